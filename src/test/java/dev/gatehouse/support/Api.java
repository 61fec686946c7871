package dev.gatehouse.support;

import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Small helpers over the HTTP API, shared by the tests. */
public final class Api {

    public static final String PASSWORD = "correct horse battery";

    private Api() {
    }

    /** A registered user with a unique email. */
    public record Account(String email, String password, String id) {
    }

    /** A logged-in session. */
    public record Tokens(String accessToken, String refreshToken, String sessionId) {
    }

    public static String uniqueEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    public static Account register() {
        String email = uniqueEmail();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD))
                .post("/api/auth/register")
                .then().statusCode(201).extract().path("id");
        return new Account(email, PASSWORD, id);
    }

    public static Response loginResponse(String email, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password, "deviceName", "test device"))
                .post("/api/auth/login");
    }

    public static Tokens login(Account account) {
        Response response = loginResponse(account.email(), account.password());
        response.then().statusCode(200);
        return tokens(response);
    }

    public static Response refreshResponse(String refreshToken) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/refresh");
    }

    public static Tokens refresh(String refreshToken) {
        Response response = refreshResponse(refreshToken);
        response.then().statusCode(200);
        return tokens(response);
    }

    public static Response me(String accessToken) {
        return given().auth().oauth2(accessToken).get("/api/users/me");
    }

    private static Tokens tokens(Response response) {
        return new Tokens(response.path("accessToken"), response.path("refreshToken"), response.path("sessionId"));
    }
}
