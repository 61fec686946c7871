package dev.gatehouse.session;

import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Listing and ending a user's device sessions. */
@Singleton
public class Sessions {

    private final SessionStore store;
    private final SessionRevocation revocation;
    private final SecurityEvents events;
    private final Clock clock;

    Sessions(SessionStore store, SessionRevocation revocation, SecurityEvents events, Clock clock) {
        this.store = store;
        this.revocation = revocation;
        this.events = events;
        this.clock = clock;
    }

    /** Active sessions, newest first; {@code current} marks {@code currentSessionId} (null marks none). */
    public List<SessionView> listActive(UUID userId, UUID currentSessionId) {
        return QuarkusTransaction.requiringNew().call(() -> store.listActive(userId, currentSessionId, clock.instant()));
    }

    /** Revokes one of the user's own sessions; false when the session is not theirs. Idempotent. */
    public boolean revokeOwn(UUID userId, UUID sessionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            SessionStore.OwnedRevocation result = revocation.revokeOwned(userId, sessionId, now, "user_revoked");
            if (result == SessionStore.OwnedRevocation.REVOKED) {
                events.record(userId, sessionId, SecurityEventKind.SESSIONS_REVOKED, now, Map.of("by", "user"));
            }
            return result != SessionStore.OwnedRevocation.NOT_OWNED;
        });
    }
}
