package dev.gatehouse.ops;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import dev.gatehouse.dpop.DeviceKey;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/operations.md "Storage purge": dead rows go, live sessions stay. */
@QuarkusTest
class StoragePurgeTest {

    @Inject
    Db db;
    @Inject
    StoragePurge purge;

    @Test
    void deletesLongDeadSessionsOldEventsAndStaleLockoutsAndKeepsLiveSessions() {
        Api.Account account = Api.register();
        UUID userId = UUID.fromString(account.id());
        Api.Tokens live = Api.login(account);
        Api.Tokens recentlyRevoked = Api.login(account);
        Api.Tokens longRevoked = Api.login(account);
        Api.Tokens longExpired = Api.login(account);
        Api.refresh(longRevoked.refreshToken());
        db.update("update sessions set revoked_at = now() - interval '8 days' where id = ?", UUID.fromString(longRevoked.sessionId()));
        db.update("update sessions set revoked_at = now() - interval '1 day' where id = ?", UUID.fromString(recentlyRevoked.sessionId()));
        db.update("update sessions set refresh_expires_at = now() - interval '8 days' where id = ?",
                UUID.fromString(longExpired.sessionId()));
        db.update("insert into security_events (user_id, kind, at) values (?, 'logout_all', now() - interval '91 days')", userId);
        db.update("insert into security_events (user_id, kind, at) values (?, 'logout_all', now() - interval '89 days')", userId);
        db.update("insert into address_failure_counts (key_hash, failures, last_failure_at) values (?, 3, now() - interval '25 hours')",
                (Object) new byte[]{1, 2, 3});
        db.update("insert into address_failure_counts (key_hash, failures, last_failure_at) values (?, 3, now() - interval '1 hour')",
                (Object) new byte[]{4, 5, 6});
        db.update("insert into account_failure_counts (email_hash, failures, window_start) values (?, 3, now() - interval '25 hours')",
                (Object) new byte[]{1, 2, 3});
        db.update("insert into account_failure_counts (email_hash, failures, window_start, locked_until)"
                + " values (?, 60, now() - interval '25 hours', now() + interval '10 minutes')", (Object) new byte[]{4, 5, 6});
        db.update("insert into account_failure_counts (email_hash, failures, window_start) values (?, 3, now() - interval '1 hour')",
                (Object) new byte[]{7, 8, 9});

        StoragePurge.Report report = purge.purge();

        assertTrue(report.sessions() >= 2 && report.events() >= 1 && report.lockoutCounts() >= 2, report.toString());
        assertEquals(0L, db.count("select count(*) from sessions where id in (?, ?)",
                UUID.fromString(longRevoked.sessionId()), UUID.fromString(longExpired.sessionId())));
        assertEquals(0L, db.count("select count(*) from refresh_tokens where session_id = ?", UUID.fromString(longRevoked.sessionId())));
        assertEquals(2L, db.count("select count(*) from sessions where id in (?, ?)",
                UUID.fromString(live.sessionId()), UUID.fromString(recentlyRevoked.sessionId())));
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ?", userId));
        assertEquals(0L, db.count("select count(*) from address_failure_counts where key_hash = ?", (Object) new byte[]{1, 2, 3}));
        assertEquals(1L, db.count("select count(*) from address_failure_counts where key_hash = ?", (Object) new byte[]{4, 5, 6}));
        assertEquals(0L, db.count("select count(*) from account_failure_counts where email_hash = ?", (Object) new byte[]{1, 2, 3}));
        // a running lock stays although its window has ended; a window still open stays
        assertEquals(1L, db.count("select count(*) from account_failure_counts where email_hash = ?", (Object) new byte[]{4, 5, 6}));
        assertEquals(1L, db.count("select count(*) from account_failure_counts where email_hash = ?", (Object) new byte[]{7, 8, 9}));
        Api.me(Api.refresh(live.refreshToken()).accessToken()).then().statusCode(200);
    }

    @Test
    void erasesSealedSuccessorsWhoseReuseWindowIsOver() {
        Api.Tokens old = Api.login(Api.register());
        Api.Tokens recent = Api.login(Api.register());
        Api.refresh(old.refreshToken());
        Api.Tokens recentSuccessor = Api.refresh(recent.refreshToken());
        // docs/tokens.md "Sealed successor": needed only inside the reuse window (30 s)
        db.update("update refresh_tokens set rotated_at = rotated_at - interval '31 seconds' where session_id = ?"
                + " and rotated_at is not null", UUID.fromString(old.sessionId()));

        StoragePurge.Report report = purge.purge();

        assertTrue(report.sealedSuccessors() >= 1, report.toString());
        assertEquals(0L, db.count("select count(*) from refresh_tokens where session_id = ? and successor_sealed is not null",
                UUID.fromString(old.sessionId())));
        assertEquals(1L, db.count("select count(*) from refresh_tokens where session_id = ? and successor_sealed is not null",
                UUID.fromString(recent.sessionId())));
        // inside its window the retry still gets the same successor
        assertEquals(recentSuccessor.refreshToken(), Api.refresh(recent.refreshToken()).refreshToken());
    }

    @Test
    void deletesExpiredPasskeyFlowsAndKeepsOpenOnes() {
        // docs/passkeys.md "Flows": a ceremony lives 5 minutes; unfinished ones must not pile up
        String expired = given().post("/api/auth/passkeys/login/options").then().statusCode(200).extract().path("flowId");
        String open = given().post("/api/auth/passkeys/login/options").then().statusCode(200).extract().path("flowId");
        db.update("update passkey_flows set expires_at = now() - interval '1 second' where id = ?", UUID.fromString(expired));

        StoragePurge.Report report = purge.purge();

        assertTrue(report.oneTimeSecrets() >= 1, report.toString());
        assertEquals(0L, db.count("select count(*) from passkey_flows where id = ?", UUID.fromString(expired)));
        assertEquals(1L, db.count("select count(*) from passkey_flows where id = ?", UUID.fromString(open)));
    }

    @Test
    void deletesUsedDpopProofsOnceNoInstanceWouldTakeThemAgain() {
        // docs/dpop.md "Each proof once": a used proof is kept only while its iat would still pass
        DeviceKey key = DeviceKey.create();
        Api.Account account = Api.register();
        given().contentType("application/json").header("DPoP", key.post("/api/auth/login"))
                .body(java.util.Map.of("email", account.email(), "password", account.password()))
                .post("/api/auth/login").then().statusCode(200);
        byte[] stale = new byte[32];
        new java.security.SecureRandom().nextBytes(stale);
        db.update("insert into dpop_proofs (proof_hash, expires_at) values (?, now() - interval '1 second')", (Object) stale);
        long kept = db.count("select count(*) from dpop_proofs where expires_at > now() + interval '60 seconds'");
        assertTrue(kept >= 1);

        assertTrue(purge.purgeDpopProofs() >= 1);

        assertEquals(0L, db.count("select count(*) from dpop_proofs where expires_at < now()"));
        assertEquals(kept, db.count("select count(*) from dpop_proofs where expires_at > now() + interval '60 seconds'"));
    }
}
