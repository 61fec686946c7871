package dev.gatehouse.resourceserver;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevocationStateTest {

    private static final Duration SKEW = Duration.ofSeconds(30);

    @Test
    void aRevokedSessionsTokensAreRefused() {
        RevocationState state = new RevocationState(SKEW);
        UUID sid = UUID.randomUUID();
        Instant now = Instant.now();
        assertFalse(state.refuses(sid, UUID.randomUUID(), "s", now));
        state.sessionRevoked(sid, now);
        assertTrue(state.refuses(sid, UUID.randomUUID(), "s", now.minusSeconds(60)));
        assertFalse(state.refuses(UUID.randomUUID(), UUID.randomUUID(), "s", now));
    }

    @Test
    void aChangedStampKillsTheOlderTokensOfItsUserOnly() {
        RevocationState state = new RevocationState(SKEW);
        UUID sub = UUID.randomUUID();
        Instant change = Instant.parse("2026-12-04T10:00:00Z");
        state.stampChanged(sub, "new", change);
        assertTrue(state.refuses(null, sub, "old", change.minusSeconds(600)));
        assertTrue(state.refuses(null, sub, "old", change.plusSeconds(20)), "within the skew after the change");
        assertFalse(state.refuses(null, sub, "new", change.minusSeconds(1)), "the new stamp is alive");
        assertFalse(state.refuses(null, sub, "newer", change.plusSeconds(60)), "issued after: a later change's stamp");
        assertFalse(state.refuses(null, UUID.randomUUID(), "old", change.minusSeconds(600)), "another user");
        state.stampChanged(sub, "newer", change.plusSeconds(60));
        assertTrue(state.refuses(null, sub, "new", change.plusSeconds(1)));
    }

    @Test
    void aHundredThousandRevokedSessionsAreForgottenOnceTheyAreOlderThanTheRetention() {
        RevocationState state = new RevocationState(SKEW);
        Instant start = Instant.parse("2026-12-04T10:00:00Z");
        List<UUID> sids = new ArrayList<>();
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        for (int i = 0; i < 100_000; i++) {
            UUID sid = UUID.randomUUID();
            sids.add(sid);
            state.sessionRevoked(sid, start.plusMillis(i * 10L)); // 1,000 s of revocations
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        assertEquals(100_000, state.size());
        System.out.println("100,000 revoked sessions hold about " + (after - before) / 1024 + " KiB");
        assertTrue(after - before < 32L * 1024 * 1024, "100,000 facts hold " + (after - before) / 1024 + " KiB");
        assertTrue(state.refuses(sids.get(99_999), null, null, start));

        state.forgetBefore(start.plusSeconds(500));
        assertEquals(50_000, state.size(), "the facts older than the horizon are gone, the younger ones kept");
        assertFalse(state.refuses(sids.get(0), null, null, start));
        assertTrue(state.refuses(sids.get(99_999), null, null, start));
        state.forgetBefore(start.plusSeconds(1001));
        assertEquals(0, state.size());
    }
}
