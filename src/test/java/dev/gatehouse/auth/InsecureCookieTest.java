package dev.gatehouse.auth;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "The gh_refresh cookie": gatehouse.cookie.secure=false (local plain-HTTP development) drops only Secure. */
@QuarkusTest
@TestProfile(InsecureCookieTest.PlainHttp.class)
class InsecureCookieTest {

    public static class PlainHttp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.cookie.secure", "false");
        }
    }

    @Test
    void theCookieLosesSecureAndKeepsEverythingElse() {
        Api.Account account = Api.register();
        String cookie = given().header("X-Gatehouse-Client", "web").contentType("application/json")
                .body(Map.of("email", account.email(), "password", account.password())).post("/api/auth/login")
                .then().statusCode(200).extract().header("Set-Cookie");
        assertFalse(cookie.toLowerCase().contains("secure"), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/api/auth"), cookie);
    }
}
