package dev.gatehouse.abuse;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Per-IP rate limits": per-client-IP token buckets, with small limits and the test client behind a trusted proxy. */
@QuarkusTest
@TestProfile(RateLimitTest.Limited.class)
class RateLimitTest {

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    public static class Limited implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.rate-limit.enabled", "true",
                    "gatehouse.rate-limit.login-per-minute", "3", "gatehouse.rate-limit.login-burst", "3",
                    "gatehouse.rate-limit.register-per-minute", "2", "gatehouse.rate-limit.register-burst", "2",
                    "gatehouse.rate-limit.refresh-per-minute", "4", "gatehouse.rate-limit.refresh-burst", "4",
                    "gatehouse.http.trusted-proxies", "127.0.0.1/32,::1/128");
        }
    }

    private static Response login(String clientIp) {
        return given().header("X-Forwarded-For", clientIp).contentType("application/json")
                .body(Map.of("email", Api.uniqueEmail(), "password", "wrong password!")).post("/api/auth/login");
    }

    @Test
    void loginIsLimitedPerClientAddress() {
        for (int i = 0; i < 3; i++) {
            assertEquals(401, login("198.51.100.10").statusCode());
        }
        Response limited = login("198.51.100.10");
        limited.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        long retryAfter = Long.parseLong(limited.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter);
        // another client behind the same proxy has its own bucket; a spoofed left-hand entry changes nothing
        assertEquals(401, login("198.51.100.11").statusCode());
        assertEquals(429, login("203.0.113.1, 198.51.100.10").statusCode());
    }

    @Test
    void anIpv6ClientHasOneLoginBucketForItsWholeSlash64() {
        for (int i = 1; i <= 3; i++) {
            assertEquals(401, login("2001:db8:5:6::" + i).statusCode());
        }
        assertEquals(429, login("2001:db8:5:6:ffff:ffff:ffff:ffff").statusCode());
        assertEquals(429, login("2001:0DB8:5:6:0:0:0:9").statusCode());
        assertEquals(401, login("2001:db8:5:7::1").statusCode(), "the next /64 is another client");
    }

    @Test
    void passkeySignInOptionsAreLimitedLikeLogin() {
        double before = Metrics.value(Metrics.scrape(metricsUrl), "gatehouse_passkey_logins_total", "outcome=\"rate_limited\"");
        for (int i = 0; i < 3; i++) {
            given().header("X-Forwarded-For", "198.51.100.40").post("/api/auth/passkeys/login/options").then().statusCode(200);
        }
        given().header("X-Forwarded-For", "198.51.100.40").post("/api/auth/passkeys/login/options").then().statusCode(429)
                .contentType("application/problem+json").body("code", equalTo("rate_limited")).header("Retry-After", notNullValue());
        given().header("X-Forwarded-For", "198.51.100.41").post("/api/auth/passkeys/login/options").then().statusCode(200);
        assertEquals(before + 1,
                Metrics.value(Metrics.scrape(metricsUrl), "gatehouse_passkey_logins_total", "outcome=\"rate_limited\""));
    }

    @Test
    void registerIsLimitedPerClientAddress() {
        for (int i = 0; i < 2; i++) {
            given().header("X-Forwarded-For", "198.51.100.20").contentType("application/json")
                    .body(Map.of("email", Api.uniqueEmail(), "password", Api.PASSWORD)).post("/api/auth/register")
                    .then().statusCode(201);
        }
        given().header("X-Forwarded-For", "198.51.100.20").contentType("application/json")
                .body(Map.of("email", Api.uniqueEmail(), "password", Api.PASSWORD)).post("/api/auth/register")
                .then().statusCode(429).body("code", equalTo("rate_limited"));
    }

    @Test
    void refreshIsLimitedPerClientAddress() {
        for (int i = 0; i < 4; i++) {
            given().header("X-Forwarded-For", "198.51.100.30").contentType("application/json")
                    .body(Map.of("refreshToken", "gatehouse_rt_unknown")).post("/api/auth/refresh").then().statusCode(401);
        }
        given().header("X-Forwarded-For", "198.51.100.30").contentType("application/json")
                .body(Map.of("refreshToken", "gatehouse_rt_unknown")).post("/api/auth/refresh")
                .then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
    }

    /** docs/api.md "POST /api/auth/password": each current-password guess takes a token of the caller's login bucket. */
    @Test
    void passwordChangeTakesTheLoginBucket() {
        String email = Api.uniqueEmail();
        given().header("X-Forwarded-For", "198.51.100.40").contentType("application/json")
                .body(Map.of("email", email, "password", Api.PASSWORD)).post("/api/auth/register").then().statusCode(201);
        String accessToken = given().header("X-Forwarded-For", "198.51.100.41").contentType("application/json")
                .body(Map.of("email", email, "password", Api.PASSWORD)).post("/api/auth/login")
                .then().statusCode(200).extract().path("accessToken");
        for (int i = 0; i < 3; i++) { // the burst, fewer than the lockout's 5
            changePassword(accessToken, "198.51.100.42", "not my password").then().statusCode(400)
                    .body("code", equalTo("invalid_current_password"));
        }
        Response limited = changePassword(accessToken, "198.51.100.42", Api.PASSWORD);
        limited.then().statusCode(429).body("code", equalTo("rate_limited"));
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        // one bucket for both endpoints: the login from that address is over the limit too
        given().header("Forwarded", "for=198.51.100.42").header("X-Forwarded-For", "198.51.100.42")
                .contentType("application/json").body(Map.of("email", email, "password", Api.PASSWORD))
                .post("/api/auth/login").then().statusCode(429);
    }

    private static Response changePassword(String accessToken, String clientIp, String currentPassword) {
        return given().auth().oauth2(accessToken).header("Forwarded", "for=" + clientIp).header("X-Forwarded-For", clientIp)
                .contentType("application/json")
                .body(Map.of("currentPassword", currentPassword, "newPassword", "a brand new password"))
                .post("/api/auth/password");
    }
}
