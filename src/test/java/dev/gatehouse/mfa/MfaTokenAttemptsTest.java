package dev.gatehouse.mfa;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.gatehouse.mfa.SecondFactors.enabledUser;
import static dev.gatehouse.mfa.SecondFactors.mfaToken;
import static dev.gatehouse.mfa.SecondFactors.nextCode;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/mfa.md "Signing in": one {@code mfaToken} takes 5 codes, however many arrive at once. Each guess comes from
 * its own address (behind a trusted proxy), so the per-address lockout is not what stops them: the token's own
 * count is.
 */
@QuarkusTest
@TestProfile(MfaTokenAttemptsTest.BehindAProxy.class)
class MfaTokenAttemptsTest {

    private static final int PARALLEL = 10;

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.http.trusted-proxies", "127.0.0.1/32,::1/128");
        }
    }

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static Response loginMfaFrom(String address, String mfaToken, String code) {
        return given().header("Forwarded", "for=" + address).header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("mfaToken", mfaToken, "code", code)).post("/api/auth/login/mfa");
    }

    @Test
    void parallelGuessesFromManyAddressesGetFiveCodesCheckedAndNoMore() throws Exception {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        String right = nextCode(user, clock);

        List<String> codes = Parallel.run(PARALLEL, i -> loginMfaFrom("198.51.100." + (i + 1), token, TotpCodes.wrong(right))
                .then().extract().path("code"));

        assertEquals(5, Collections.frequency(codes, "invalid_mfa_code"), codes.toString());
        assertEquals(PARALLEL - 5, Collections.frequency(codes, "invalid_credentials"), codes.toString());
        // the token is gone: the right code cannot use it any more
        loginMfaFrom("198.51.100.200", token, right).then().statusCode(401)
                .body("code", equalTo("invalid_credentials"));
        assertEquals(5L, db.count("select attempts from mfa_challenges where user_id = ?", user.userId()));
    }
}
