package dev.gatehouse.token;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.refresh;
import static dev.gatehouse.support.Api.refreshResponse;
import static dev.gatehouse.support.Api.register;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/tokens.md "Refresh rotation and replay detection" with the default 30 s reuse window. */
@QuarkusTest
class RefreshRotationTest {

    @Inject
    TestClock clock;
    @Inject
    Db db;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void rotationIssuesANewTokenInTheSameSession() {
        Tokens first = login(register());
        Response response = refreshResponse(first.refreshToken());
        response.then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("tokenType", equalTo("Bearer"))
                .body("sessionId", equalTo(first.sessionId()))
                .body("refreshToken", matchesPattern("gatehouse_rt_[A-Za-z0-9_-]{43}"));
        Tokens second = new Tokens(response.path("accessToken"), response.path("refreshToken"), response.path("sessionId"));
        assertNotEquals(first.refreshToken(), second.refreshToken());
        me(second.accessToken()).then().statusCode(200);
        // the old access token stays valid until it expires: rotation is not a revocation
        me(first.accessToken()).then().statusCode(200);
        assertNotNull(db.single("select last_used_at from sessions where id = ?", UUID.fromString(first.sessionId())));
    }

    @Test
    void retryInsideTheWindowGetsTheSameSuccessor() {
        Tokens first = login(register());
        Tokens successor = refresh(first.refreshToken());
        clock.advance(Duration.ofSeconds(29));
        Tokens retried = refresh(first.refreshToken());
        assertEquals(successor.refreshToken(), retried.refreshToken());
        assertEquals(successor.sessionId(), retried.sessionId());
        me(retried.accessToken()).then().statusCode(200);
        // and the successor is an ordinary, usable token
        Tokens third = refresh(successor.refreshToken());
        me(third.accessToken()).then().statusCode(200);
    }

    @Test
    void reuseAfterTheSuccessorWasUsedIsAReplayThatRevokesTheSession() {
        Api.Account account = register();
        Tokens first = login(account);
        Tokens second = refresh(first.refreshToken());
        Tokens third = refresh(second.refreshToken());

        refreshResponse(first.refreshToken()).then().statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid_refresh_token"));

        // the whole family is gone: the newest refresh token and every access token of the session
        refreshResponse(third.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        me(third.accessToken()).then().statusCode(401).body("code", equalTo("invalid_token"));
        UUID sessionId = UUID.fromString(first.sessionId());
        assertEquals("replay_detected", db.single("select revoke_reason from sessions where id = ?", sessionId));
        assertEquals(1L, db.count("select count(*) from security_events where session_id = ? and kind = 'replay_detected'",
                sessionId));
        // other sessions of the same user are untouched
        Tokens other = login(account);
        me(other.accessToken()).then().statusCode(200);
    }

    @Test
    void reuseAfterTheWindowIsAReplay() {
        Tokens first = login(register());
        refresh(first.refreshToken());
        clock.advance(Duration.ofSeconds(31));
        refreshResponse(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        me(first.accessToken()).then().statusCode(401);
        assertEquals("replay_detected",
                db.single("select revoke_reason from sessions where id = ?", UUID.fromString(first.sessionId())));
    }

    @Test
    void anExpiredTokenIsRefusedAndRevokesNothing() {
        Tokens first = login(register());
        clock.advance(Duration.ofDays(14).plusSeconds(1));
        refreshResponse(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        assertNull(db.single("select revoked_at from sessions where id = ?", UUID.fromString(first.sessionId())));
        assertEquals(0L, db.count("select count(*) from security_events where session_id = ?", UUID.fromString(first.sessionId())));
    }

    @Test
    void unknownAndMalformedTokensAreRefused() {
        refreshResponse("gatehouse_rt_" + "A".repeat(43)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refreshResponse("not-a-token").then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refreshResponse("gatehouse_rt_" + "é".repeat(43)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void expirySlidesWithEachRotationButNeverPastTheSessionsAbsoluteEnd() {
        Tokens tokens = login(register());
        long lastExpiresIn = 0;
        for (int day = 13; day <= 91; day += 13) {
            clock.advance(Duration.ofDays(13));
            Response response = refreshResponse(tokens.refreshToken());
            if (day >= 90) {
                response.then().statusCode(401);
                return;
            }
            response.then().statusCode(200);
            tokens = new Tokens(response.path("accessToken"), response.path("refreshToken"), response.path("sessionId"));
            lastExpiresIn = ((Number) response.path("refreshExpiresIn")).longValue();
            long untilAbsoluteEnd = Duration.ofDays(90 - day).toSeconds();
            if (untilAbsoluteEnd >= Duration.ofDays(14).toSeconds()) {
                assertEquals(Duration.ofDays(14).toSeconds(), lastExpiresIn, "day " + day);
            } else {
                // capped by the absolute end fixed at login; the real clock has moved a few ms since
                assertTrue(lastExpiresIn <= untilAbsoluteEnd && lastExpiresIn >= untilAbsoluteEnd - 2,
                        "day " + day + ": " + lastExpiresIn);
            }
        }
        throw new AssertionError("the session outlived its absolute end, last expiresIn " + lastExpiresIn);
    }

    @Test
    void aSessionKeepsOnlyItsNewestTokenHashes() {
        Tokens first = login(register());
        Tokens tokens = first;
        for (int i = 0; i < 40; i++) {
            tokens = refresh(tokens.refreshToken());
        }
        UUID sessionId = UUID.fromString(first.sessionId());
        assertEquals(32L, db.count("select count(*) from refresh_tokens where session_id = ?", sessionId));
        // a token older than the history is unknown: refused, and nothing is revoked
        clock.advance(Duration.ofMinutes(1));
        refreshResponse(first.refreshToken()).then().statusCode(401);
        assertNull(db.single("select revoked_at from sessions where id = ?", sessionId));
        me(tokens.accessToken()).then().statusCode(200);
    }

    @Test
    void aSuspendedUsersRefreshIsRefusedWith401() {
        Api.Account account = register();
        Tokens tokens = login(account);
        db.update("update users set status = 'suspended' where id = ?", UUID.fromString(account.id()));
        refreshResponse(tokens.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        assertNull(db.single("select revoked_at from sessions where id = ?", UUID.fromString(tokens.sessionId())));
    }

    @Test
    void sixteenParallelRefreshesOfOneTokenAllGetTheSameSuccessor() throws Exception {
        Tokens first = login(register());
        List<Response> responses = Parallel.run(16, i -> refreshResponse(first.refreshToken()));
        Set<String> successors = new HashSet<>();
        for (Response response : responses) {
            assertEquals(200, response.statusCode(), response.asString());
            successors.add(response.path("refreshToken"));
        }
        assertEquals(1, successors.size(), "every caller holds the one valid token");
        String successor = successors.iterator().next();
        UUID sessionId = UUID.fromString(first.sessionId());
        assertEquals(2L, db.count("select count(*) from refresh_tokens where session_id = ?", sessionId));
        Tokens next = refresh(successor);
        me(next.accessToken()).then().statusCode(200);
        assertNull(db.single("select revoked_at from sessions where id = ?", sessionId));
    }

    @Test
    void logoutIsSilentForUnknownTokensAndRequiresAToken() {
        io.restassured.RestAssured.given().contentType("application/json").body("{\"refreshToken\":\"gatehouse_rt_unknown\"}")
                .post("/api/auth/logout").then().statusCode(204);
        io.restassured.RestAssured.given().contentType("application/json").body("{}")
                .post("/api/auth/logout").then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("refreshToken"));
        Tokens tokens = login(register());
        for (int i = 0; i < 2; i++) { // twice: an already revoked token is 204 too
            io.restassured.RestAssured.given().contentType("application/json")
                    .body("{\"refreshToken\":\"" + tokens.refreshToken() + "\"}")
                    .post("/api/auth/logout").then().statusCode(204);
        }
        assertEquals("logout", db.single("select revoke_reason from sessions where id = ?", UUID.fromString(tokens.sessionId())));
    }
}
