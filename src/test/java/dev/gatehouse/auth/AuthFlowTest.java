package dev.gatehouse.auth;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

@QuarkusTest
class AuthFlowTest {

    @Test
    void registerThenLoginThenCallMe() {
        String email = Api.uniqueEmail();
        given().contentType(ContentType.JSON)
                .body(Map.of("email", "  " + email.toUpperCase() + " ", "password", Api.PASSWORD, "displayName", "Ada"))
                .post("/api/auth/register")
                .then().statusCode(201)
                .contentType(ContentType.JSON)
                .body("email", equalTo(email))
                .body("displayName", equalTo("Ada"))
                .body("roles", contains("user"))
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("$", not(hasKey("password")));

        Api.loginResponse(email, Api.PASSWORD)
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(900))
                .body("refreshExpiresIn", equalTo(14 * 24 * 3600))
                .body("refreshToken", matchesPattern("gatehouse_rt_[A-Za-z0-9_-]{43}"))
                .body("sessionId", matchesPattern("[0-9a-f-]{36}"))
                .body("accessToken", matchesPattern("[^.]+\\.[^.]+\\.[^.]+"));
    }

    @Test
    void responsesCarryApiHeadersAndNoServerBanner() {
        Api.loginResponse(register().email(), Api.PASSWORD).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .header("Server", nullValue())
                .header("X-Powered-By", nullValue());
        given().get("/api/nope").then().statusCode(404).header("X-Content-Type-Options", "nosniff").header("Server", nullValue());
    }

    @Test
    void meReturnsTheCaller() {
        Api.Account account = register();
        Api.Tokens tokens = login(account);
        me(tokens.accessToken()).then().statusCode(200)
                .body("id", equalTo(account.id()))
                .body("email", equalTo(account.email()))
                .body("displayName", nullValue())
                .body("roles", contains("user"));
    }

    @Test
    void meWithoutTokenIsChallenged() {
        given().get("/api/users/me").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer"))
                .body("code", equalTo("invalid_token"))
                .body("type", equalTo("urn:gatehouse:problem:invalid_token"))
                .body("status", equalTo(401));
    }

    @Test
    void logoutEndsTheSessionAndItsAccessToken() {
        Api.Tokens tokens = login(register());
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", tokens.refreshToken()))
                .post("/api/auth/logout").then().statusCode(204);
        me(tokens.accessToken()).then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .body("code", equalTo("invalid_token"));
        Api.refreshResponse(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }
}
