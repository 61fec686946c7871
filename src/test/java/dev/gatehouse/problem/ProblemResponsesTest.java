package dev.gatehouse.problem;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;

/** docs/api.md "Errors": every error is problem+json with the right status and code, and echoes nothing secret. */
@QuarkusTest
class ProblemResponsesTest {

    private static ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    private static void isProblem(ValidatableResponse response, int status, String code) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:gatehouse:problem:" + code))
                .body("code", equalTo(code))
                .body("status", equalTo(status))
                .body("title", not(emptyOrNullString()))
                .body("detail", not(emptyOrNullString()))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    @Test
    void missingFieldsAreListedPerField() {
        ValidatableResponse response = post("/api/auth/register", "{}");
        isProblem(response, 400, "validation_failed");
        response.body("errors.field", hasItems("email", "password"));
    }

    @Test
    void breakingARuleIsAValidationFailureOfThatField() {
        isProblem(post("/api/auth/register", "{\"email\":\"not-an-email\",\"password\":\"long enough password\"}"), 400,
                "validation_failed");
        ValidatableResponse shortPassword = post("/api/auth/register", "{\"email\":\"a@example.com\",\"password\":\"short\"}");
        isProblem(shortPassword, 400, "validation_failed");
        shortPassword.body("errors[0].field", equalTo("password")).body(not(containsString("short\"")));
        isProblem(post("/api/auth/register", "{\"email\":\"a@example.com\",\"password\":\"" + "p".repeat(257) + "\"}"), 400,
                "validation_failed");
        isProblem(post("/api/auth/register", "{\"email\":\"a@example.com\",\"password\":\"long enough password\",\"displayName\":\""
                + "d".repeat(101) + "\"}"), 400, "validation_failed");
        isProblem(post("/api/auth/register", "{\"email\":\"" + "e".repeat(250) + "@example.com\",\"password\":\"long enough password\"}"),
                400, "validation_failed");
    }

    @Test
    void aFieldOfTheWrongTypeIsAValidationFailure() {
        for (String body : new String[]{"{\"email\":5,\"password\":\"long enough password\"}",
                "{\"email\":true,\"password\":\"long enough password\"}",
                "{\"email\":[\"a@example.com\"],\"password\":\"long enough password\"}",
                "{\"email\":{\"x\":1},\"password\":\"long enough password\"}"}) {
            ValidatableResponse response = post("/api/auth/register", body);
            isProblem(response, 400, "validation_failed");
            response.body("errors[0].field", equalTo("email"));
        }
        ValidatableResponse refresh = post("/api/auth/refresh", "{\"refreshToken\":12345}");
        isProblem(refresh, 400, "validation_failed");
        refresh.body("errors[0].field", equalTo("refreshToken"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{bad", "[1,2]", "{\"email\":\"a@b.c\",\"email\":\"d@e.f\",\"password\":\"long enough pw\"}", "\"a string\"", "42", "null", "{\"email\":\"a@b.c\",", "\u0000\u0001"})
    void aBodyThatIsNotAJsonObjectIsMalformed(String body) {
        isProblem(post("/api/auth/login", body), 400, "malformed_request");
        isProblem(post("/api/auth/register", body), 400, "malformed_request");
    }

    @Test
    void anEmptyBodyIsMalformedWhereOneIsRequired() {
        isProblem(given().contentType(ContentType.JSON).post("/api/auth/login").then(), 400, "malformed_request");
        isProblem(given().contentType(ContentType.JSON).post("/api/auth/register").then(), 400, "malformed_request");
        // refresh and logout may take the token from the cookie instead: neither present is a validation failure
        isProblem(given().contentType(ContentType.JSON).post("/api/auth/refresh").then(), 400, "validation_failed");
        isProblem(given().contentType(ContentType.JSON).post("/api/auth/logout").then(), 400, "validation_failed");
    }

    @Test
    void aBodyThatIsNotJsonIsAnUnsupportedMediaType() {
        isProblem(given().contentType(ContentType.TEXT).body("email=a").post("/api/auth/login").then(), 415,
                "unsupported_media_type");
        isProblem(given().contentType(ContentType.URLENC).formParam("email", "a").post("/api/auth/register").then(), 415,
                "unsupported_media_type");
    }

    @Test
    void unknownRoutesAndWrongMethodsAreProblems() {
        isProblem(given().get("/api/nope").then(), 404, "not_found");
        isProblem(given().get("/").then(), 404, "not_found");
        isProblem(given().get("/api/auth/login").then(), 405, "method_not_allowed");
        isProblem(given().put("/api/users/me").then(), 405, "method_not_allowed");
    }

    @Test
    void aBodyOverTheLimitIsTooLarge() {
        String big = "{\"email\":\"" + "a".repeat(70 * 1024) + "\"}";
        isProblem(post("/api/auth/login", big), 413, "payload_too_large");
    }

    @Test
    void hugeButAllowedValuesAreRefusedCleanly() {
        String email = "a".repeat(60_000) + "@example.com";
        isProblem(post("/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"x\"}"), 400, "validation_failed");
        isProblem(post("/api/auth/refresh", "{\"refreshToken\":\"" + "g".repeat(60_000) + "\"}"), 400, "validation_failed");
    }

    @Test
    void unicodeIsHandledAsCharactersNotBytes() {
        // ten characters that are twenty UTF-16 units: a valid password
        String password = "🔑".repeat(10);
        String email = "ünï-" + java.util.UUID.randomUUID() + "@example.com";
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", password, "displayName", "Zoë 🚀"))
                .post("/api/auth/register").then().statusCode(201)
                .body("email", equalTo(email)).body("displayName", equalTo("Zoë 🚀"));
        Api.loginResponse(email.toUpperCase(java.util.Locale.ROOT), password).then().statusCode(200);
        isProblem(post("/api/auth/register", "{\"email\":\"x@example.com\",\"password\":\"" + "🔑".repeat(9) + "\"}"), 400,
                "validation_failed");
    }

    @Test
    void aTakenEmailIsAConflictWhateverItsCase() {
        Api.Account account = Api.register();
        isProblem(given().contentType(ContentType.JSON)
                .body(Map.of("email", " " + account.email().toUpperCase(java.util.Locale.ROOT), "password", "another long password"))
                .post("/api/auth/register").then(), 409, "email_taken");
    }

    @Test
    void loginFailuresLookTheSameForUnknownEmailsAndWrongPasswords() {
        Api.Account account = Api.register();
        ValidatableResponse wrongPassword = Api.loginResponse(account.email(), "wrong password!").then();
        ValidatableResponse unknownEmail = Api.loginResponse(Api.uniqueEmail(), "wrong password!").then();
        isProblem(wrongPassword, 401, "invalid_credentials");
        isProblem(unknownEmail, 401, "invalid_credentials");
        String a = Api.loginResponse(account.email(), "wrong password!").asString();
        String b = Api.loginResponse(Api.uniqueEmail(), "wrong password!").asString();
        org.junit.jupiter.api.Assertions.assertEquals(a, b);
        org.junit.jupiter.api.Assertions.assertFalse(a.contains("wrong password!"));
    }
}
