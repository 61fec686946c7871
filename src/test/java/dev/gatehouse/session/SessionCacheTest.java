package dev.gatehouse.session;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/tokens.md "Session-state cache" and "Cache sizes": a full cache evicts one entry at a time, never
 * empties itself, and a revocation still reaches it at once; invalidating a user touches only that
 * user's entries. The caches are small here (300 entries) so that filling them takes a moment.
 */
@QuarkusTest
@TestProfile(SessionCacheTest.SmallCaches.class)
class SessionCacheTest {

    static final int SIZE = 300;

    public static class SmallCaches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.cache.sessions", String.valueOf(SIZE), "gatehouse.cache.access-tokens", String.valueOf(SIZE));
        }
    }

    @Inject
    SessionStates states;
    @Inject
    Db db;

    /** Sessions of a new user written straight to the table: enough to fill the cache without a login each. */
    private List<UUID> sessionsOfANewUser(int count) {
        Api.Account owner = Api.register();
        return db.column("""
                insert into sessions (id, user_id, created_at, last_used_at, absolute_end, refresh_expires_at)
                select gen_random_uuid(), ?, now(), now(), now() + interval '1 day', now() + interval '1 day'
                from generate_series(1, ?) returning id""", UUID.fromString(owner.id()), count)
                .stream().map(UUID.class::cast).toList();
    }

    /** The cache is used only once its listener has proved its connection: wait for that. */
    private void awaitTrusted(UUID sessionId) {
        poll(() -> {
            states.load(sessionId);
            return states.cached(sessionId) != null;
        }, 10_000, "the session cache never became trusted");
    }

    /** Polls until the condition holds, failing after {@code millis} counted from the call (so from the answer before it). */
    private static void poll(BooleanSupplier condition, long millis, String message) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            try {
                Thread.sleep(5); // leave the cores to the server and its listener meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aFullCacheEvictsOneEntryAtATime() {
        List<UUID> sessions = sessionsOfANewUser(SIZE * 5 / 2);
        UUID hot = sessions.get(0);
        awaitTrusted(hot);
        for (int i = 1; i < sessions.size(); i++) {
            states.load(sessions.get(i));
            if (i % 10 == 0) {
                assertNotNull(states.cached(hot), "a session in use stays cached while others come and go (after " + i + ")");
            }
        }
        long held = states.estimatedSizes()[0];
        // 750 loads into 300 places: full, bounded, and never emptied at once
        assertTrue(held <= SIZE && held >= SIZE * 9 / 10, "sessions cached: " + held);
        assertNotNull(states.cached(hot));
    }

    @Test
    void aRevocationReachesAFullCacheAndTouchesOnlyThatUser() {
        Api.Account owner = Api.register();
        Api.Tokens first = Api.login(owner);
        Api.Tokens second = Api.login(owner);
        Api.Account bystander = Api.register();
        Api.Tokens other = Api.login(bystander);
        List<UUID> filler = sessionsOfANewUser(SIZE * 2);
        awaitTrusted(filler.get(0));
        filler.forEach(states::load);
        // the sessions in use earn their places in the full cache
        for (Api.Tokens tokens : List.of(first, second, other)) {
            UUID sessionId = UUID.fromString(tokens.sessionId());
            poll(() -> {
                Api.me(tokens.accessToken()).then().statusCode(200);
                return states.cached(sessionId) != null;
            }, 10_000, "a session in use never got into the cache");
        }
        assertTrue(states.estimatedSizes()[0] >= SIZE * 9 / 10, "the cache is full");

        // a stamp change: the owner's sessions go (one user entry), the bystander's stays cached
        given().auth().oauth2(first.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", owner.password(), "newPassword", "a brand new password"))
                .post("/api/auth/password").then().statusCode(204);
        poll(() -> Api.me(first.accessToken()).statusCode() == 401 && Api.me(second.accessToken()).statusCode() == 401,
                1_000, "the owner's access tokens still work 1 s after the password change");
        assertNotNull(states.cached(UUID.fromString(other.sessionId())), "the bystander's session was touched");
        Api.me(other.accessToken()).then().statusCode(200);

        // one session: its revocation reaches the full cache at once too
        given().auth().oauth2(other.accessToken()).delete("/api/auth/sessions/" + other.sessionId()).then().statusCode(204);
        poll(() -> Api.me(other.accessToken()).statusCode() == 401, 1_000, "a revoked session still works after 1 s");
        assertEquals(401, Api.me(other.accessToken()).statusCode());
    }
}
