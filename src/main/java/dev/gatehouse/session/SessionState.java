package dev.gatehouse.session;

import dev.gatehouse.user.Caller;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a Bearer request needs to know about its session and user (docs/tokens.md "Validation"):
 * whether the session is live, the user's current stamp and status, and the user's
 * public fields so that {@code /api/users/me} needs no database round trip either.
 */
public record SessionState(UUID sessionId, UUID userId, Instant revokedAt, Instant absoluteEnd, String stamp,
                           UserStatus userStatus, String email, String displayName, List<String> roles,
                           long loadedAtNanos) {

    static SessionState of(Session session, User user) {
        return new SessionState(session.id, session.userId, session.revokedAt, session.absoluteEnd, user.securityStamp,
                user.status, user.email, user.displayName, List.copyOf(user.roles), System.nanoTime());
    }

    /**
     * Whether an access token of {@code userId} carrying {@code stamp} is accepted now: the session is
     * live, belongs to that user, the user is active, and the stamp is the user's current one
     * (compared in constant time).
     */
    public boolean accepts(UUID tokenUserId, String tokenStamp, Instant now) {
        return Session.isLive(revokedAt, absoluteEnd, now)
                && userId.equals(tokenUserId)
                && userStatus == UserStatus.ACTIVE
                && MessageDigest.isEqual(stamp.getBytes(StandardCharsets.UTF_8), tokenStamp.getBytes(StandardCharsets.UTF_8));
    }

    public Caller caller() {
        return new Caller(userId, sessionId, email, displayName, roles);
    }
}
