package dev.gatehouse.token;

import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.refresh;
import static dev.gatehouse.support.Api.refreshResponse;
import static dev.gatehouse.support.Api.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/tokens.md "Strict mode": a reuse window of 0. */
@QuarkusTest
@TestProfile(StrictRotationTest.Strict.class)
class StrictRotationTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.refresh-token.reuse-grace", "PT0S");
        }
    }

    @Inject
    Db db;

    @Test
    void anImmediateRetryIsAReplay() {
        Tokens first = login(register());
        refresh(first.refreshToken());
        refreshResponse(first.refreshToken()).then().statusCode(401);
        me(first.accessToken()).then().statusCode(401);
    }

    @Test
    void ofSixteenParallelRefreshesExactlyOneWinsAndNoneFails() throws Exception {
        Tokens first = login(register());
        List<Response> responses = Parallel.run(16, i -> refreshResponse(first.refreshToken()));
        long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
        long refused = responses.stream().filter(r -> r.statusCode() == 401).count();
        assertEquals(1, ok, "exactly one winner");
        assertEquals(15, refused, "every other caller gets 401, none a 5xx");
        String winner = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow().path("refreshToken");
        // the losers' replay revoked the session, the winner's new token included (docs/tokens.md "Strict mode")
        refreshResponse(winner).then().statusCode(401);
        assertNotNull(db.single("select revoked_at from sessions where id = ?", UUID.fromString(first.sessionId())));
        assertTrue(db.count("select count(*) from security_events where session_id = ? and kind = 'replay_detected'",
                UUID.fromString(first.sessionId())) == 1);
    }
}
