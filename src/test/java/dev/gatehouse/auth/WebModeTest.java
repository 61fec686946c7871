package dev.gatehouse.auth;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Web (cookie) mode": the refresh token in the gh_refresh cookie, the CSRF defence and CORS (test origin https://shop.test). */
@QuarkusTest
class WebModeTest {

    private static final String ORIGIN = "https://shop.test";

    @Inject
    Db db;

    private static Response webLogin(Api.Account account) {
        return given().header("X-Gatehouse-Client", "web").header("Origin", ORIGIN).contentType("application/json")
                .body(Map.of("email", account.email(), "password", account.password())).post("/api/auth/login");
    }

    private static Response cookieRefresh(String cookie, String origin, boolean header) {
        var request = given().cookie("gh_refresh", cookie);
        if (header) {
            request.header("X-Gatehouse-Client", "web");
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return request.post("/api/auth/refresh");
    }

    @Test
    void loginInWebModePutsTheRefreshTokenOnlyInAStrictHttpOnlyCookie() {
        Response login = webLogin(Api.register());
        login.then().statusCode(200).body("$", not(hasKey("refreshToken"))).body("accessToken", notNullValue())
                .header("Cache-Control", "no-store");
        String setCookie = login.header("Set-Cookie");
        assertNotNull(setCookie);
        assertTrue(setCookie.startsWith("gh_refresh=gatehouse_rt_"), setCookie);
        for (String attribute : new String[]{"HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth", "Max-Age=1209600"}) {
            assertTrue(setCookie.toLowerCase().contains(attribute.toLowerCase()), attribute + " in " + setCookie);
        }
    }

    @Test
    void theCookieRefreshesAndRotatesAndItsReplayIsCaught() {
        Response login = webLogin(Api.register());
        String first = login.getCookie("gh_refresh");
        Response refreshed = cookieRefresh(first, ORIGIN, true);
        refreshed.then().statusCode(200).body("$", not(hasKey("refreshToken")));
        String second = refreshed.getCookie("gh_refresh");
        assertNotEquals(first, second);
        cookieRefresh(second, null, true).then().statusCode(200); // no Origin (same-origin or native app): allowed
        cookieRefresh(first, ORIGIN, true).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        assertEquals("replay_detected", db.single("select revoke_reason from sessions where id = ?",
                UUID.fromString(login.path("sessionId"))));
    }

    @Test
    void aCookieRequestWithoutTheHeaderOrFromAnotherOriginIsRejected() {
        String cookie = webLogin(Api.register()).getCookie("gh_refresh");
        cookieRefresh(cookie, ORIGIN, false).then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("csrf_rejected"));
        cookieRefresh(cookie, "https://evil.example", true).then().statusCode(403).body("code", equalTo("csrf_rejected"));
        given().cookie("gh_refresh", cookie).header("Origin", "https://evil.example").header("X-Gatehouse-Client", "web")
                .post("/api/auth/logout").then().statusCode(403).body("code", equalTo("csrf_rejected"));
        cookieRefresh(cookie, ORIGIN, true).then().statusCode(200); // nothing was spent by the rejected calls
    }

    @Test
    void aBodyTokenWinsOverTheCookie() {
        Api.Tokens mobile = Api.login(Api.register());
        String webCookie = webLogin(Api.register()).getCookie("gh_refresh");
        given().cookie("gh_refresh", webCookie).contentType("application/json")
                .body(Map.of("refreshToken", mobile.refreshToken())).post("/api/auth/refresh")
                .then().statusCode(200).body("sessionId", equalTo(mobile.sessionId())).body("refreshToken", notNullValue());
    }

    @Test
    void logoutByCookieEndsTheSessionAndClearsTheCookie() {
        Response login = webLogin(Api.register());
        Response logout = given().cookie("gh_refresh", login.getCookie("gh_refresh")).header("X-Gatehouse-Client", "web")
                .header("Origin", ORIGIN).post("/api/auth/logout");
        logout.then().statusCode(204);
        String cleared = logout.header("Set-Cookie");
        assertTrue(cleared.startsWith("gh_refresh=;") && cleared.contains("Max-Age=0"), cleared);
        Api.me(login.path("accessToken")).then().statusCode(401);
        given().post("/api/auth/logout").then().statusCode(400).body("code", equalTo("validation_failed"));
    }

    @Test
    void corsAnswersOnlyTheAllowedOriginWithCredentials() {
        given().header("Origin", ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-gatehouse-client")
                .options("/api/auth/refresh").then()
                .header("Access-Control-Allow-Origin", ORIGIN)
                .header("Access-Control-Allow-Credentials", "true");
        Response evil = given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST")
                .options("/api/auth/refresh");
        String allowed = evil.header("Access-Control-Allow-Origin");
        assertTrue(allowed == null || (!allowed.equals("*") && !allowed.contains("evil")), "evil origin allowed: " + allowed);
    }
}
