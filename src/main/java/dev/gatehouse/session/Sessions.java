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

    /** docs/api.md "GET /api/auth/sessions": active sessions, newest first. */
    private static final String LIST_ACTIVE = "select s.* from sessions s where s.user_id = :user and "
            + Session.activeSql("s", ":now") + " order by s.created_at desc, s.id";

    private final SessionRevocation revocation;
    private final SecurityEvents events;
    private final Clock clock;

    Sessions(SessionRevocation revocation, SecurityEvents events, Clock clock) {
        this.revocation = revocation;
        this.events = events;
        this.clock = clock;
    }

    /** Active sessions, newest first; {@code current} marks {@code currentSessionId} (null marks none). */
    public List<SessionView> listActive(UUID userId, UUID currentSessionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Session> sessions = Session.getEntityManager().createNativeQuery(LIST_ACTIVE, Session.class)
                    .setParameter("user", userId).setParameter("now", clock.instant()).getResultList();
            return sessions.stream().map(s -> SessionView.of(s, s.id.equals(currentSessionId))).toList();
        });
    }

    /** Revokes one of the user's own sessions; false when the session is not theirs. Idempotent. */
    public boolean revokeOwn(UUID userId, UUID sessionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            SessionRevocation.OwnedRevocation result = revocation.revokeOwned(userId, sessionId, now, "user_revoked");
            if (result == SessionRevocation.OwnedRevocation.REVOKED) {
                events.record(userId, sessionId, SecurityEventKind.SESSIONS_REVOKED, now, Map.of("by", "user"));
            }
            return result != SessionRevocation.OwnedRevocation.NOT_OWNED;
        });
    }
}
