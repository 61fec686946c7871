package dev.gatehouse.session;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "GET /api/auth/sessions" and "DELETE /api/auth/sessions/{id}". */
@QuarkusTest
class SessionsTest {

    @Inject
    Db db;

    @Test
    void listsTheCallersActiveSessionsNewestFirstAndMarksTheCurrentOne() {
        Api.Account account = register();
        Tokens phone = login(account);
        Tokens tablet = given().contentType("application/json").header("User-Agent", "ShopApp/2.1 (iPad)")
                .body(Map.of("email", account.email(), "password", account.password(), "deviceName", "Tablet"))
                .post("/api/auth/login").then().statusCode(200).extract().as(TokensBody.class).tokens();
        Tokens ended = login(account);
        given().contentType("application/json").body(Map.of("refreshToken", ended.refreshToken())).post("/api/auth/logout")
                .then().statusCode(204);

        Response response = given().auth().oauth2(phone.accessToken()).get("/api/auth/sessions");
        response.then().statusCode(200)
                .body("size()", equalTo(2))
                .body("[0].id", equalTo(tablet.sessionId()))
                .body("[0].deviceName", equalTo("Tablet"))
                .body("[0].userAgent", equalTo("ShopApp/2.1 (iPad)"))
                .body("[0].ipAddress", equalTo("127.0.0.1"))
                .body("[0].current", equalTo(false))
                .body("[1].id", equalTo(phone.sessionId()))
                .body("[1].current", equalTo(true));
        List<Map<String, Object>> sessions = response.jsonPath().getList("$");
        Map<String, Object> first = sessions.get(0);
        Instant created = Instant.parse((String) first.get("createdAt"));
        assertEquals(created, Instant.parse((String) first.get("lastUsedAt")), "lastUsedAt = createdAt until the first refresh");
        Instant expires = Instant.parse((String) first.get("expiresAt"));
        assertTrue(Math.abs(expires.getEpochSecond() - created.plusSeconds(14 * 24 * 3600).getEpochSecond()) <= 1);

        Tokens refreshed = Api.refresh(tablet.refreshToken());
        String lastUsed = given().auth().oauth2(refreshed.accessToken()).get("/api/auth/sessions").then().statusCode(200)
                .body("[0].current", equalTo(true)).extract().path("[0].lastUsedAt");
        assertTrue(Instant.parse(lastUsed).isAfter(created));
    }

    @Test
    void deletingOwnSessionEndsItsTokensAtOnce() {
        Api.Account account = register();
        Tokens a = login(account);
        Tokens b = login(account);
        given().auth().oauth2(a.accessToken()).delete("/api/auth/sessions/" + b.sessionId()).then().statusCode(204);
        me(b.accessToken()).then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        Api.refreshResponse(b.refreshToken()).then().statusCode(401);
        me(a.accessToken()).then().statusCode(200);
        // idempotent, and recorded once
        given().auth().oauth2(a.accessToken()).delete("/api/auth/sessions/" + b.sessionId()).then().statusCode(204);
        assertEquals(1L, db.count("select count(*) from security_events where session_id = ? and kind = 'sessions_revoked'",
                UUID.fromString(b.sessionId())));
        // deleting the current session ends the caller's own token too
        given().auth().oauth2(a.accessToken()).delete("/api/auth/sessions/" + a.sessionId()).then().statusCode(204);
        me(a.accessToken()).then().statusCode(401);
    }

    @Test
    void anotherUsersUnknownOrMalformedSessionIsNotFound() {
        Tokens mine = login(register());
        Tokens theirs = login(register());
        for (String id : new String[]{theirs.sessionId(), UUID.randomUUID().toString(), "not-a-uuid", "1",
                "00000000-0000-0000-0000-00000000000g"}) {
            given().auth().oauth2(mine.accessToken()).delete("/api/auth/sessions/" + id).then().statusCode(404)
                    .contentType("application/problem+json").body("code", equalTo("not_found"));
        }
        me(theirs.accessToken()).then().statusCode(200);
        assertFalse(given().auth().oauth2(mine.accessToken()).get("/api/auth/sessions").asString().contains(theirs.sessionId()));
    }

    @Test
    void sessionsNeedABearerToken() {
        given().get("/api/auth/sessions").then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer"))
                .body("code", equalTo("invalid_token"));
        given().delete("/api/auth/sessions/" + UUID.randomUUID()).then().statusCode(401);
    }

    /** The token response as a record, for tests that log in with extra headers. */
    public record TokensBody(String accessToken, String refreshToken, String sessionId, String tokenType, long expiresIn,
                             long refreshExpiresIn) {
        Tokens tokens() {
            return new Tokens(accessToken, refreshToken, sessionId);
        }
    }
}
