package dev.gatehouse.mfa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.dpop.DeviceKey;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.gatehouse.mfa.SecondFactors.claims;
import static dev.gatehouse.mfa.SecondFactors.enabledUser;
import static dev.gatehouse.mfa.SecondFactors.loginMfa;
import static dev.gatehouse.mfa.SecondFactors.loginRecovery;
import static dev.gatehouse.mfa.SecondFactors.mfaToken;
import static dev.gatehouse.mfa.SecondFactors.nextCode;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/mfa.md "Signing in": with TOTP on, a password alone gets an mfaToken, and only the second step gets tokens. */
@QuarkusTest
class MfaSignInTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private double challenges(String outcome) {
        return Metrics.value(Metrics.scrape(metricsUrl), "gatehouse_mfa_challenges_total", "outcome=\"" + outcome + "\"");
    }

    @Test
    void thePasswordAloneGetsOnlyAnMfaTokenThenTheCodeGetsTokensWithOtpInAmr() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        double issued = challenges("issued");

        Response first = Api.loginResponse(user.account().email(), user.account().password());

        first.then().statusCode(403).contentType("application/problem+json").header("Cache-Control", "no-store")
                .body("code", equalTo("mfa_required")).body("type", equalTo("urn:gatehouse:problem:mfa_required"))
                .body("mfaToken", matchesPattern("gatehouse_mfa_[A-Za-z0-9_-]{43}"))
                .body("accessToken", nullValue()).body("refreshToken", nullValue());
        // nothing a password alone should not learn: no user id, no e-mail, no method list
        Map<String, Object> body = first.jsonPath().getMap("");
        assertEquals(Set.of("type", "title", "status", "detail", "code", "mfaToken"), body.keySet());
        assertEquals(issued + 1, challenges("issued"));

        Instant before = clock.instant().minusSeconds(1);
        Response second = loginMfa(first.path("mfaToken"), nextCode(user, clock));

        second.then().statusCode(200).header("Cache-Control", "no-store").body("tokenType", equalTo("Bearer"))
                .body("refreshToken", notNullValue()).body("sessionId", notNullValue());
        JsonNode claims = claims(second.path("accessToken"));
        assertEquals(List.of("pwd", "otp", "mfa"), List.of(claims.path("amr").get(0).asText(), claims.path("amr").get(1).asText(),
                claims.path("amr").get(2).asText()));
        assertTrue(claims.path("auth_time").asLong() >= before.getEpochSecond());
        // the login's device name is kept through the second step
        given().auth().oauth2(second.path("accessToken").toString()).get("/api/auth/sessions").then().statusCode(200)
                .body("find { it.current }.deviceName", equalTo("test device"));
        Api.me(second.path("accessToken")).then().statusCode(200).body("mfaEnabled", equalTo(true));
        // amr and auth_time are those of the sign-in, kept across refreshes
        clock.advance(Duration.ofSeconds(5));
        String refreshed = Api.refresh(second.path("refreshToken")).accessToken();
        assertEquals(claims.path("amr"), claims(refreshed).path("amr"));
        assertEquals(claims.path("auth_time"), claims(refreshed).path("auth_time"));
    }

    /** docs/dpop.md "Binding": the key of the second step's proof binds the session, not the first step's. */
    @Test
    void theSecondStepsProofBindsTheSession() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        DeviceKey first = DeviceKey.create();
        DeviceKey second = DeviceKey.create();
        String mfaToken = given().contentType(ContentType.JSON).header("DPoP", first.post("/api/auth/login"))
                .body(Map.of("email", user.account().email(), "password", user.account().password()))
                .post("/api/auth/login").then().statusCode(403).extract().path("mfaToken");
        String code = nextCode(user, clock);
        // a proof for another URL at the second step: refused before the code is looked at, and the code stays usable
        given().contentType(ContentType.JSON).header("DPoP", second.post("/api/auth/login"))
                .body(Map.of("mfaToken", mfaToken, "code", code)).post("/api/auth/login/mfa")
                .then().statusCode(401).body("code", equalTo("invalid_dpop_proof"));
        String token = given().contentType(ContentType.JSON).header("DPoP", second.post("/api/auth/login/mfa"))
                .body(Map.of("mfaToken", mfaToken, "code", code)).post("/api/auth/login/mfa")
                .then().statusCode(200).body("refreshTokenBound", equalTo(true)).extract().path("refreshToken");
        given().contentType(ContentType.JSON).header("DPoP", first.post("/api/auth/refresh")).body(Map.of("refreshToken", token))
                .post("/api/auth/refresh").then().statusCode(401).body("code", equalTo("invalid_dpop_proof"));
        given().contentType(ContentType.JSON).header("DPoP", second.post("/api/auth/refresh")).body(Map.of("refreshToken", token))
                .post("/api/auth/refresh").then().statusCode(200);
    }

    @Test
    void aRecoveryCodeSignsInOnceWithoutOtpInAmr() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String recovery = user.recoveryCodes().get(3);

        Response signedIn = loginRecovery(mfaToken(user.account()), recovery.toUpperCase());

        signedIn.then().statusCode(200);
        JsonNode amr = claims(signedIn.path("accessToken")).path("amr");
        assertEquals("[\"pwd\",\"mfa\"]", amr.toString());
        assertEquals(1, db.count("select count(*) from security_events where user_id = ? and kind = 'recovery_code_used'",
                user.userId()));
        // single use, and the other nine still work
        loginRecovery(mfaToken(user.account()), recovery).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
        loginRecovery(mfaToken(user.account()), user.recoveryCodes().get(4).replace("-", "")).then().statusCode(200);
    }

    @Test
    void codesOfThePreviousAndNextStepAreAcceptedAndNothingFurther() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        clock.advance(Duration.ofMinutes(2)); // well past the step that confirmed
        long now = TotpCodes.stepAt(clock.instant());

        loginMfa(mfaToken(user.account()), TotpCodes.forStep(user.secret(), now - 2)).then().statusCode(401)
                .body("code", equalTo("invalid_mfa_code"));
        loginMfa(mfaToken(user.account()), TotpCodes.forStep(user.secret(), now + 2)).then().statusCode(401);
        loginMfa(mfaToken(user.account()), TotpCodes.forStep(user.secret(), now - 1)).then().statusCode(200);
        loginMfa(mfaToken(user.account()), TotpCodes.forStep(user.secret(), now + 1)).then().statusCode(200);
        // each step once, and never one older than the newest used
        loginMfa(mfaToken(user.account()), TotpCodes.forStep(user.secret(), now)).then().statusCode(401)
                .body("code", equalTo("invalid_mfa_code"));
    }

    @Test
    void aCodeUsedOnceIsRefusedTheSecondTime() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String code = nextCode(user, clock);

        loginMfa(mfaToken(user.account()), code).then().statusCode(200);

        loginMfa(mfaToken(user.account()), code).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
    }

    @Test
    void theConfirmingCodeCannotSignIn() {
        SecondFactors.Enabled user = verifiedThenEnabledKeepingTheCode();
        loginMfa(mfaToken(user.account()), user.recoveryCodes().get(0)).then().statusCode(401)
                .body("code", equalTo("invalid_mfa_code"));
    }

    /** Enables TOTP and hands back the confirming code in place of the recovery codes. */
    private SecondFactors.Enabled verifiedThenEnabledKeepingTheCode() {
        SecondFactors.Enabled user = SecondFactors.verifiedUser(db);
        String secret = SecondFactors.setup(user.tokens().accessToken()).path("secret");
        String code = TotpCodes.at(secret, clock.instant());
        SecondFactors.confirm(user.tokens().accessToken(), code).then().statusCode(200);
        return new SecondFactors.Enabled(user.account(), user.tokens(), secret, List.of(code));
    }

    @Test
    void anMfaTokenIsSingleUseAndDiesAfterFiveMinutes() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        loginMfa(token, nextCode(user, clock)).then().statusCode(200);

        loginMfa(token, nextCode(user, clock)).then().statusCode(401).body("code", equalTo("invalid_credentials"));

        String expiring = mfaToken(user.account());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        loginMfa(expiring, TotpCodes.at(user.secret(), clock.instant())).then().statusCode(401)
                .body("code", equalTo("invalid_credentials"));
    }

    @Test
    void aWrongCodeLeavesTheTokenAliveUntilTheFifth() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        String right = nextCode(user, clock);

        loginMfa(token, TotpCodes.wrong(right)).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
        loginMfa(token, right).then().statusCode(200);

        String doomed = mfaToken(user.account());
        String later = nextCode(user, clock);
        for (int i = 0; i < 4; i++) {
            loginMfa(doomed, TotpCodes.wrong(later)).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
        }
        // the 4 wrong codes above and the one before: this address is now one short of a lock; the 5th kills the token
        db.update("delete from address_failure_counts");
        loginMfa(doomed, TotpCodes.wrong(later)).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
        db.update("delete from address_failure_counts");
        loginMfa(doomed, later).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void wrongCodesLockTheAccountForThisAddressLikeWrongPasswords() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String code = nextCode(user, clock);
        // the password steps first: a right password that gets mfa_required neither counts nor resets
        List<String> tokens = java.util.stream.IntStream.range(0, 3).mapToObj(i -> mfaToken(user.account())).toList();
        for (int i = 0; i < 5; i++) {
            loginMfa(tokens.get(i / 4), TotpCodes.wrong(code)).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
        }

        // locked for this address: the right code and the right password both answer 429
        loginMfa(tokens.get(2), code).then().statusCode(429).body("code", equalTo("rate_limited"))
                .header("Retry-After", notNullValue());
        Api.loginResponse(user.account().email(), user.account().password()).then().statusCode(429);
    }

    @Test
    void aUserKeepsFivePendingMfaTokensTheOldestGoesFirst() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String oldest = mfaToken(user.account());
        clock.advance(Duration.ofSeconds(1));
        String next = mfaToken(user.account());
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofSeconds(1));
            mfaToken(user.account());
        }

        assertEquals(5, db.count("select count(*) from mfa_challenges where user_id = ?", user.userId()));
        loginMfa(oldest, nextCode(user, clock)).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        loginMfa(next, nextCode(user, clock)).then().statusCode(200);
    }

    @Test
    void totpTurnedOnWhileThePasswordIsCheckedStillAsksForACode() throws Exception {
        // the login reads the user (TOTP off), verifies the password, then waits for the user's row lock, under
        // which TOTP is turned on: the session it was about to open must become a second step
        SecondFactors.Enabled user = SecondFactors.verifiedUser(db);
        SecondFactors.setup(user.tokens().accessToken()).then().statusCode(200);
        var login = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Api.loginResponse(user.account().email(), user.account().password()));

        db.withUserLocked(user.userId(),
                () -> Poll.until("the login waits for the user's lock", Duration.ofSeconds(20), () -> db.waitingForLocks() > 0),
                "update users set mfa_enabled = true where id = ?",
                "update totp_factors set enabled_at = now(), setup_stamp = null where user_id = ?");

        login.get(30, java.util.concurrent.TimeUnit.SECONDS).then().statusCode(403).body("code", equalTo("mfa_required"));
        assertEquals(1, db.count("select count(*) from sessions where user_id = ?", user.userId()));
    }

    @Test
    void aStampChangeKillsThePendingMfaToken() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());

        given().auth().oauth2(user.tokens().accessToken()).post("/api/auth/logout-all").then().statusCode(204);

        loginMfa(token, nextCode(user, clock)).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void aUserSuspendedAfterThePasswordStepIsRefusedAtTheSecond() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        db.update("update users set status = 'suspended' where id = ?", user.userId());

        loginMfa(token, nextCode(user, clock)).then().statusCode(403).body("code", equalTo("account_suspended"));
    }

    @Test
    void cookieModeGetsTheRefreshTokenOnlyInTheCookie() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());

        Response response = given().contentType(ContentType.JSON).header("X-Gatehouse-Client", "web")
                .body(Map.of("mfaToken", token, "code", nextCode(user, clock))).post("/api/auth/login/mfa");

        response.then().statusCode(200).body("refreshToken", nullValue()).body("accessToken", notNullValue());
        assertTrue(response.getCookie("gh_refresh") != null && response.getCookie("gh_refresh").startsWith("gatehouse_rt_"));
    }

    @Test
    void hostileBodiesAreFourHundredsNeverFiveHundreds() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        String code = nextCode(user, clock);

        for (Object body : List.of(Map.of("mfaToken", token), Map.of("code", code),
                Map.of("mfaToken", token, "code", code, "recoveryCode", user.recoveryCodes().get(0)),
                Map.of("mfaToken", token, "code", 123456), Map.of("mfaToken", List.of(token), "code", code),
                Map.of("mfaToken", token, "code", "1".repeat(33)), Map.of("mfaToken", token, "code", "12\u200B3456"))) {
            given().contentType(ContentType.JSON).body(body).post("/api/auth/login/mfa").then()
                    .statusCode(400).body("code", equalTo("validation_failed"));
        }
        given().contentType(ContentType.JSON).body("[]").post("/api/auth/login/mfa").then().statusCode(400)
                .body("code", equalTo("malformed_request"));
        given().contentType(ContentType.JSON).post("/api/auth/login/mfa").then().statusCode(400);
        // a token of the wrong shape, or one never issued: the sign-in starts over
        for (String dead : List.of("x", "gatehouse_mfa_" + "A".repeat(43), "gatehouse_rt_" + "A".repeat(43))) {
            loginMfa(dead, code).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        }
        // the right code still works with the real token: none of the above used it up or counted it
        loginMfa(token, code).then().statusCode(200);
    }

    @Test
    void aCodeOfTheWrongShapeIsAWrongCode() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        Set<Integer> statuses = new TreeSet<>();
        for (String shape : List.of("abcdef", "12345", "1234567", "12 34 5")) {
            statuses.add(loginMfa(mfaToken(user.account()), shape).statusCode());
        }
        assertEquals(Set.of(401), statuses);
    }
}
