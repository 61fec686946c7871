package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Account;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.PASSWORD;
import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** docs/api.md "GET /api/users/me/export" and "Data export"; and the routes under /api/users/me. */
@QuarkusTest
class DataExportTest {

    @Inject
    Db db;

    @Test
    void theExportIsTheUsersDataAsTheApiShowsItAndNoSecret() {
        String email = Api.uniqueEmail();
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD, "displayName", "Ann Example"))
                .post("/api/auth/register").then().statusCode(201).extract().path("id");
        Account account = new Account(email, PASSWORD, id);
        Tokens phone = login(account);
        Tokens laptop = login(account);
        Tokens refreshed = Api.refresh(laptop.refreshToken());
        Tokens gone = login(account);
        given().auth().oauth2(phone.accessToken()).delete("/api/auth/sessions/" + gone.sessionId()).then().statusCode(204);

        Response export = given().auth().oauth2(refreshed.accessToken()).get("/api/users/me/export");
        export.then().statusCode(200).contentType(ContentType.JSON)
                .header("Content-Disposition", "attachment; filename=\"gatehouse-export.json\"")
                .header("Cache-Control", "no-store")
                .body("keySet()", containsInAnyOrder("user", "sessions", "passkeys", "events"))
                .body("user.keySet()", containsInAnyOrder("id", "email", "displayName", "roles", "emailVerified", "mfaEnabled", "secondFactor", "status",
                        "createdAt"))
                .body("user.id", equalTo(id)).body("user.email", equalTo(email)).body("user.displayName", equalTo("Ann Example"))
                .body("user.roles", contains("user")).body("user.emailVerified", equalTo(false))
                .body("user.status", equalTo("active")).body("user.createdAt", notNullValue())
                .body("passkeys", equalTo(List.of()))
                .body("events.size()", equalTo(1)).body("events[0].kind", equalTo("sessions_revoked"))
                .body("events[0].sessionId", equalTo(gone.sessionId())).body("events[0].details", equalTo(Map.of("by", "user")))
                .body("events[0].at", notNullValue());

        // the sessions exactly as GET /api/auth/sessions shows them to the same caller
        List<Map<String, Object>> listed = given().auth().oauth2(refreshed.accessToken()).get("/api/auth/sessions")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(listed, export.jsonPath().getList("sessions"));
        assertEquals(2, listed.size());
        export.then().body("sessions.find { it.current }.id", equalTo(laptop.sessionId()))
                .body("sessions.find { !it.current }.id", equalTo(phone.sessionId()))
                .body("sessions[0]", not(hasKey("refreshToken")));
        // the events exactly as an admin sees them
        Account admin = register();
        db.makeAdmin(admin.id());
        List<Object> adminEvents = given().auth().oauth2(login(admin).accessToken()).get("/api/admin/users/" + id + "/events")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(adminEvents, export.jsonPath().getList("events"));

        // never a hash, a secret or a token
        String body = export.asString();
        String stamp = (String) db.single("select security_stamp from users where id = ?", UUID.fromString(id));
        String hash = (String) db.single("select password_hash from users where id = ?", UUID.fromString(id));
        for (String secret : new String[]{"$argon2", "argon2id", hash, stamp, "gatehouse_rt_", refreshed.refreshToken(),
                refreshed.accessToken(), PASSWORD, "passwordHash", "securityStamp", "stamp"}) {
            assertFalse(body.contains(secret), "the export contains " + (secret.equals(stamp) ? "the stamp" : secret));
        }
    }

    @Test
    void theExportNeedsAValidTokenAndStopsWithTheAccount() {
        given().get("/api/users/me/export").then().statusCode(401).body("code", equalTo("invalid_token"))
                .header("WWW-Authenticate", equalTo("Bearer"));
        given().auth().oauth2("a.b.c").get("/api/users/me/export").then().statusCode(401);
        Account account = register();
        Tokens tokens = login(account);
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me/export").then().statusCode(200)
                .body("events", equalTo(List.of())).body("sessions.size()", equalTo(1));
        AccountDeletionTest.deleteMe(tokens.accessToken(), Map.of("password", PASSWORD)).then().statusCode(204);
        DeletedAccountCheck.refusedWithinASecond(tokens.accessToken());
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me/export").then().statusCode(401);
    }

    /** One resource class answers every /api/users/me route; other methods are 405 with Allow. */
    @Test
    void everyRouteUnderUsersMeAnswers() {
        Account account = register();
        Tokens tokens = login(account);
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me").then().statusCode(200)
                .body("id", equalTo(account.id())).body("email", equalTo(account.email()));
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me/export").then().statusCode(200);
        for (String method : new String[]{"POST", "PUT", "PATCH"}) {
            given().auth().oauth2(tokens.accessToken()).contentType(ContentType.JSON).body("{}")
                    .request(method, "/api/users/me").then().statusCode(405).contentType("application/problem+json")
                    .body("code", equalTo("method_not_allowed"));
        }
        for (String method : new String[]{"POST", "PUT", "DELETE"}) {
            given().auth().oauth2(tokens.accessToken()).contentType(ContentType.JSON).body("{}")
                    .request(method, "/api/users/me/export").then().statusCode(405).body("code", equalTo("method_not_allowed"));
        }
        given().auth().oauth2(tokens.accessToken()).get("/api/users").then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me/nope").then().statusCode(404).body("code", equalTo("not_found"));
        AccountDeletionTest.deleteMe(tokens.accessToken(), Map.of("password", PASSWORD)).then().statusCode(204);
    }
}
