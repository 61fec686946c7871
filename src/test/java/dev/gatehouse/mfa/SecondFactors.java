package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Shared steps of the second-factor tests: a user with TOTP on, and the calls of docs/mfa.md. */
final class SecondFactors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SecondFactors() {
    }

    /** A user with TOTP on: its secret, its recovery codes and the session that turned it on. */
    record Enabled(Api.Account account, Api.Tokens tokens, String secret, List<String> recoveryCodes) {
        UUID userId() {
            return UUID.fromString(account.id());
        }
    }

    /** A registered user with a verified e-mail, signed in just now. */
    static Enabled verifiedUser(Db db) {
        Api.Account account = Api.register();
        db.update("update users set email_verified = true where id = ?", UUID.fromString(account.id()));
        return new Enabled(account, Api.login(account), null, List.of());
    }

    /** A verified user who has set up and confirmed TOTP; the clock moves on a step so the next code is fresh. */
    static Enabled enabledUser(Db db, TestClock clock) {
        Enabled user = verifiedUser(db);
        String secret = setup(user.tokens().accessToken()).then().statusCode(200).extract().path("secret");
        List<String> codes = confirm(user.tokens().accessToken(), TotpCodes.at(secret, clock.instant()))
                .then().statusCode(200).extract().path("recoveryCodes");
        return new Enabled(user.account(), user.tokens(), secret, codes);
    }

    /** Moves the clock to the next 30 s step and returns that step's code: each step is accepted once. */
    static String nextCode(Enabled user, TestClock clock) {
        clock.advance(Duration.ofSeconds(30));
        return TotpCodes.at(user.secret(), clock.instant());
    }

    static Response setup(String accessToken) {
        return given().auth().oauth2(accessToken).post("/api/auth/mfa/totp/setup");
    }

    static Response confirm(String accessToken, String code) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(Map.of("code", code))
                .post("/api/auth/mfa/totp/confirm");
    }

    /** The password step: 403 {@code mfa_required} with its token, asserted. */
    static String mfaToken(Api.Account account) {
        return Api.loginResponse(account.email(), account.password()).then().statusCode(403)
                .extract().path("mfaToken");
    }

    static Response loginMfa(String mfaToken, String code) {
        return given().contentType(ContentType.JSON).body(Map.of("mfaToken", mfaToken, "code", code))
                .post("/api/auth/login/mfa");
    }

    static Response loginRecovery(String mfaToken, String recoveryCode) {
        return given().contentType(ContentType.JSON).body(Map.of("mfaToken", mfaToken, "recoveryCode", recoveryCode))
                .post("/api/auth/login/mfa");
    }

    static Response renewRecoveryCodes(String accessToken, String code) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(Map.of("code", code))
                .post("/api/auth/mfa/recovery-codes");
    }

    static Response disable(String accessToken, Map<String, String> body) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(body)
                .delete("/api/auth/mfa/totp");
    }

    /** The claims of a JWT, without checking it: the service has. */
    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
