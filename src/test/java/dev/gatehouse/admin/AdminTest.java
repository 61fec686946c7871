package dev.gatehouse.admin;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Admin endpoints". */
@QuarkusTest
class AdminTest {

    @Inject
    Db db;

    private Tokens admin;

    @BeforeEach
    void signInAsAdmin() {
        Api.Account account = register();
        db.makeAdmin(account.id());
        admin = login(account);
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(admin.accessToken());
    }

    @Test
    void findsAUserByEmailTrimmedAndCaseInsensitively() {
        Api.Account user = register();
        asAdmin().queryParam("email", "  " + user.email().toUpperCase(java.util.Locale.ROOT) + " ").get("/api/admin/users")
                .then().statusCode(200).body("size()", equalTo(1))
                .body("[0].id", equalTo(user.id())).body("[0].email", equalTo(user.email()))
                .body("[0].displayName", nullValue()).body("[0].roles", contains("user")).body("[0].emailVerified", equalTo(false))
                .body("[0].status", equalTo("active")).body("[0].createdAt", notNullValue())
                .body("[0]", not(hasKey("passwordHash")));
        asAdmin().queryParam("email", Api.uniqueEmail()).get("/api/admin/users").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void pagesThroughUsersOrderedByCreation() {
        for (int i = 0; i < 3; i++) {
            register();
        }
        List<String> created = asAdmin().queryParam("size", 100).get("/api/admin/users").then().statusCode(200)
                .extract().jsonPath().getList("createdAt");
        List<String> sorted = created.stream().sorted((a, b) -> java.time.Instant.parse(a).compareTo(java.time.Instant.parse(b))).toList();
        assertEquals(sorted, created);
        asAdmin().get("/api/admin/users").then().statusCode(200).body("size()", lessThanOrEqualTo(20));
        String firstOfSecondPage = asAdmin().queryParam("size", 2).queryParam("page", 1).get("/api/admin/users")
                .then().statusCode(200).body("size()", equalTo(2)).extract().path("[0].id");
        String third = asAdmin().queryParam("size", 3).get("/api/admin/users").then().extract().path("[2].id");
        assertEquals(third, firstOfSecondPage);
        for (Map.Entry<String, Object> bad : List.of(Map.<String, Object>entry("size", 101), Map.<String, Object>entry("size", 0),
                Map.<String, Object>entry("size", "abc"), Map.<String, Object>entry("page", -1))) {
            asAdmin().queryParam(bad.getKey(), bad.getValue()).get("/api/admin/users").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("validation_failed"))
                    .body("errors[0].field", equalTo(bad.getKey()));
        }
    }

    @Test
    void showsAUsersSessionsAndEvents() {
        Api.Account user = register();
        Tokens session = login(user);
        asAdmin().get("/api/admin/users/" + user.id() + "/sessions").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].id", equalTo(session.sessionId())).body("[0].current", equalTo(false))
                .body("[0].deviceName", equalTo("test device"));
        asAdmin().post("/api/admin/users/" + user.id() + "/revoke-sessions").then().statusCode(204);
        asAdmin().get("/api/admin/users/" + user.id() + "/sessions").then().statusCode(200).body("size()", equalTo(0));
        asAdmin().get("/api/admin/users/" + user.id() + "/events").then().statusCode(200)
                .body("[0].kind", equalTo("sessions_revoked"))
                .body("[0].at", notNullValue())
                .body("[0].details.sessionsRevoked", equalTo(1));
        me(session.accessToken()).then().statusCode(401);
        Api.refreshResponse(session.refreshToken()).then().statusCode(401);
    }

    @Test
    void eventsAreNewestFirstAndAtMostAHundred() {
        Api.Account user = register();
        for (int i = 0; i < 3; i++) {
            asAdmin().post("/api/admin/users/" + user.id() + "/suspend").then().statusCode(204);
            asAdmin().post("/api/admin/users/" + user.id() + "/reinstate").then().statusCode(204);
        }
        UUID id = UUID.fromString(user.id());
        for (int i = 0; i < 120; i++) {
            db.update("insert into security_events (user_id, kind, at) values (?, 'logout_all', now() - interval '1 day')", id);
        }
        ValidatableResponse events = asAdmin().get("/api/admin/users/" + user.id() + "/events").then().statusCode(200)
                .body("size()", equalTo(100))
                .body("[0].kind", equalTo("reinstated")).body("[1].kind", equalTo("suspended"))
                .body("[0].details", instanceOf(Map.class));
        List<String> at = events.extract().jsonPath().getList("at");
        for (int i = 1; i < at.size(); i++) {
            assertTrue(!java.time.Instant.parse(at.get(i)).isAfter(java.time.Instant.parse(at.get(i - 1))));
        }
    }

    @Test
    void changingRolesChangesTheStampAndTheNextTokenCarriesThem() {
        Api.Account user = register();
        Tokens tokens = login(user);
        asAdmin().contentType("application/json").body(Map.of("roles", List.of("user", "admin")))
                .put("/api/admin/users/" + user.id() + "/roles").then().statusCode(204);
        me(tokens.accessToken()).then().statusCode(401);
        Tokens renewed = Api.refresh(tokens.refreshToken());
        String payload = new String(Base64.getUrlDecoder().decode(renewed.accessToken().split("\\.")[1]));
        assertTrue(payload.contains("\"groups\":[\"user\",\"admin\"]"), payload);
        given().auth().oauth2(renewed.accessToken()).get("/api/admin/users").then().statusCode(200);
        me(renewed.accessToken()).then().statusCode(200).body("roles", contains("user", "admin"));
        asAdmin().get("/api/admin/users/" + user.id() + "/events").then().body("[0].kind", equalTo("roles_changed"))
                .body("[0].details.to", contains("user", "admin"));

        for (String body : new String[]{"{\"roles\":[\"root\"]}", "{\"roles\":[]}", "{}", "{\"roles\":\"admin\"}",
                "{\"roles\":[null]}"}) {
            asAdmin().contentType("application/json").body(body).put("/api/admin/users/" + user.id() + "/roles")
                    .then().statusCode(400).body("code", equalTo("validation_failed"));
        }
    }

    @Test
    void suspendBlocksLoginRefreshAndLiveAccessTokensUntilReinstated() {
        Api.Account user = register();
        Tokens tokens = login(user);
        asAdmin().post("/api/admin/users/" + user.id() + "/suspend").then().statusCode(204);

        me(tokens.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        Api.refreshResponse(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        Api.loginResponse(user.email(), user.password()).then().statusCode(403).body("code", equalTo("account_suspended"));
        Api.loginResponse(user.email(), "wrong password").then().statusCode(401);
        asAdmin().queryParam("email", user.email()).get("/api/admin/users").then().body("[0].status", equalTo("suspended"));

        asAdmin().post("/api/admin/users/" + user.id() + "/reinstate").then().statusCode(204);
        Api.refreshResponse(tokens.refreshToken()).then().statusCode(401); // suspension revoked everything
        me(login(user).accessToken()).then().statusCode(200);
        asAdmin().get("/api/admin/users/" + user.id() + "/events").then().body("kind", hasItems("suspended", "reinstated"));
    }

    @Test
    void nonAdminsAreForbiddenAndAnonymousCallersChallenged() {
        Api.Account user = register();
        Tokens plain = login(user);
        String target = "/api/admin/users/" + admin.sessionId();
        for (String[] call : new String[][]{{"GET", "/api/admin/users"}, {"GET", target + "/sessions"},
                {"GET", target + "/events"}, {"POST", target + "/revoke-sessions"}, {"POST", target + "/suspend"},
                {"POST", target + "/reinstate"}}) {
            given().auth().oauth2(plain.accessToken()).request(call[0], call[1]).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("forbidden"));
            given().request(call[0], call[1]).then().statusCode(401).body("code", equalTo("invalid_token"));
        }
        given().auth().oauth2(plain.accessToken()).contentType("application/json").body(Map.of("roles", List.of("admin")))
                .put("/api/admin/users/" + user.id() + "/roles").then().statusCode(403).body("code", equalTo("forbidden"));
        me(plain.accessToken()).then().statusCode(200).body("roles", contains("user"));
    }

    @Test
    void unknownOrMalformedUserIdsAreNotFound() {
        for (String id : new String[]{UUID.randomUUID().toString(), "nope", "123"}) {
            for (String[] call : new String[][]{{"GET", "/sessions"}, {"GET", "/events"}, {"POST", "/revoke-sessions"},
                    {"POST", "/suspend"}, {"POST", "/reinstate"}}) {
                asAdmin().request(call[0], "/api/admin/users/" + id + call[1]).then().statusCode(404)
                        .contentType("application/problem+json").body("code", equalTo("not_found"));
            }
            asAdmin().contentType("application/json").body(Map.of("roles", List.of("user")))
                    .put("/api/admin/users/" + id + "/roles").then().statusCode(404).body("code", equalTo("not_found"));
        }
    }
}
