package dev.gatehouse.session;

import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Revoking sessions and announcing it to every instance (SPEC §2). Runs in the caller's
 * transaction, so the revocation, its notification and the caller's event commit together.
 */
@Singleton
public class SessionRevocation {

    private final SessionStore sessions;
    private final Revocations revocations;

    SessionRevocation(SessionStore sessions, Revocations revocations) {
        this.sessions = sessions;
        this.revocations = revocations;
    }

    /** Every live session of the user except {@code keep} (null keeps none). Returns how many were revoked. */
    public int revokeAll(UUID userId, UUID keep, Instant now, String reason) throws SQLException {
        List<UUID> revoked = sessions.revokeAll(userId, keep, now, reason);
        revoked.forEach(id -> revocations.sessionRevoked(id, reason));
        return revoked.size();
    }

    /** One session of the user. */
    public SessionStore.OwnedRevocation revokeOwned(UUID userId, UUID sessionId, Instant now, String reason)
            throws SQLException {
        SessionStore.OwnedRevocation result = sessions.revokeOwned(userId, sessionId, now, reason);
        if (result == SessionStore.OwnedRevocation.REVOKED) {
            revocations.sessionRevoked(sessionId, reason);
        }
        return result;
    }
}
