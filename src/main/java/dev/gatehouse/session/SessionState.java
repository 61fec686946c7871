package dev.gatehouse.session;

import dev.gatehouse.user.Caller;
import dev.gatehouse.user.UserStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.UUID;

/**
 * What a Bearer request needs to know about its session and user (docs/tokens.md "Validation"):
 * whether the session is live, the user's current stamp and status, and the user's public fields, so
 * that {@code /api/users/me} needs no database round trip either. The user's part is a {@link UserState}
 * shared by the user's sessions in the cache.
 */
public record SessionState(UUID sessionId, Instant revokedAt, Instant absoluteEnd, UserState user) {

    static SessionState of(Session session, UserState user) {
        return new SessionState(session.id, session.revokedAt, session.absoluteEnd, user);
    }

    public UUID userId() {
        return user.userId();
    }

    SessionState withUser(UserState shared) {
        return new SessionState(sessionId, revokedAt, absoluteEnd, shared);
    }

    /**
     * Whether an access token of {@code userId} carrying {@code stamp} is accepted now: the session is
     * live, belongs to that user, the user is active, and the stamp is the user's current one
     * (compared in constant time).
     */
    public boolean accepts(UUID tokenUserId, String tokenStamp, Instant now) {
        return Session.isLive(revokedAt, absoluteEnd, now)
                && user.userId().equals(tokenUserId)
                && user.status() == UserStatus.ACTIVE
                && MessageDigest.isEqual(user.stamp().getBytes(StandardCharsets.UTF_8), tokenStamp.getBytes(StandardCharsets.UTF_8));
    }

    public Caller caller() {
        return new Caller(user.userId(), sessionId, user.email(), user.displayName(), user.roles(),
                user.emailVerified(), user.mfaEnabled(), user.stamp());
    }
}
