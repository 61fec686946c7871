package dev.gatehouse.token;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.RefreshTokenStore.SuccessorRow;
import dev.gatehouse.token.RefreshTokenStore.TokenRow;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Refresh tokens from issue to death: a session's first token at login, rotation with the reuse
 * grace window, replay detection, and logout (SPEC §4). Each operation is one short transaction;
 * no crypto that costs more than a hash runs inside it.
 */
@Singleton
public class RefreshTokens {

    static final String REASON_LOGOUT = "logout";
    static final String REASON_REPLAY = "replay_detected";
    static final String REASON_SESSION_LIMIT = "session_limit";

    /** What a rotation (or a login) hands back: who the access token is for, and the refresh token. */
    public record Issued(AccessTokens.Subject subject, String refreshToken, Instant issuedAt, Instant refreshExpiresAt) {

        /** Seconds the refresh token has left, counted from when this answer was made. */
        public long refreshExpiresIn() {
            return Math.max(0, java.time.Duration.between(issuedAt, refreshExpiresAt).toSeconds());
        }
    }

    /** The result of {@link #rotate}: issued, or refused with nothing more to do, or refused as a replay. */
    public sealed interface Outcome permits Success, Refused {
    }

    /** {@code retried}: the same successor handed again inside the reuse window (SPEC §4.3). */
    public record Success(Issued issued, boolean retried) implements Outcome {
    }

    public enum Refused implements Outcome {
        /** Unknown, expired, revoked, or its user suspended (SPEC §4.1). */
        INVALID,
        /** Reused outside the grace window: the session is now revoked (SPEC §4.4). */
        REPLAYED
    }

    private final RefreshTokenStore tokens;
    private final SessionStore sessions;
    private final RefreshTokenCodec codec;
    private final Revocations revocations;
    private final SecurityEvents events;
    private final GatehouseConfig config;
    private final Clock clock;

    RefreshTokens(RefreshTokenStore tokens, SessionStore sessions, RefreshTokenCodec codec, Revocations revocations,
                  SecurityEvents events, GatehouseConfig config, Clock clock) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.codec = codec;
        this.revocations = revocations;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Login: a new session (token family) with its first token from the CSPRNG (SPEC §1). The user
     * row is locked and re-checked, so a password change, suspension or revocation that committed
     * while the password was being verified is not undone by this login, and concurrent logins of
     * one user respect the session cap. {@code rehash}, when not null, replaces the verified hash.
     */
    public Issued startSession(UUID userId, String verifiedHash, String rehash, SessionStore.Origin origin) {
        String token = codec.newToken();
        byte[] hash = RefreshTokenCodec.hash(token);
        UUID sessionId = UUID.randomUUID();
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            SessionStore.LockedUser user = sessions.lockUser(userId);
            if (user == null || !user.passwordHash().equals(verifiedHash)) {
                throw new ProblemException(ProblemCode.INVALID_CREDENTIALS, "The email or password is wrong.");
            }
            if (!User.ACTIVE.equals(user.status())) {
                throw new ProblemException(ProblemCode.ACCOUNT_SUSPENDED, "This account is suspended.");
            }
            if (rehash != null) {
                sessions.updatePasswordHash(userId, rehash, now);
            }
            Instant absoluteEnd = now.plus(config.session().maxLifetime());
            Instant expiresAt = earliest(now.plus(config.refreshToken().ttl()), absoluteEnd);
            sessions.insert(sessionId, userId, origin, now, absoluteEnd, expiresAt);
            tokens.insert(sessionId, hash, now, expiresAt);
            // SPEC §1: beyond max-per-user active sessions, the least recently used one goes.
            for (UUID revoked : sessions.revokeBeyond(userId, config.session().maxPerUser(), now, REASON_SESSION_LIMIT)) {
                revocations.sessionRevoked(revoked, REASON_SESSION_LIMIT);
            }
            return new Issued(new AccessTokens.Subject(userId, user.email(), user.roles(), sessionId, user.stamp()),
                    token, now, expiresAt);
        });
    }

    /**
     * SPEC §4. Step 2, the common case, is one autocommit statement (one database round trip);
     * when the token is not active, steps 1, 3 and 4 run in one transaction.
     * {@code clientIp} only goes into a replay's security event.
     */
    public Outcome rotate(String token, String clientIp) {
        if (!codec.looksValid(token)) {
            return Refused.INVALID;
        }
        byte[] hash = RefreshTokenCodec.hash(token);
        String successor = codec.successorOf(token);
        byte[] successorHash = RefreshTokenCodec.hash(successor);
        Instant now = clock.instant();
        TokenRow rotation;
        try {
            rotation = tokens.rotate(hash, successorHash, now, now.plus(config.refreshToken().ttl()),
                    config.refreshToken().history());
        } catch (SQLException e) {
            throw new IllegalStateException("rotation failed", e);
        }
        if (rotation != null) {
            // The same instant as the stored one (computed in SQL from these values), at full precision.
            Instant expiresAt = earliest(now.plus(config.refreshToken().ttl()), rotation.sessionEnd());
            return new Success(new Issued(subject(rotation), successor, now, expiresAt), false);
        }
        return QuarkusTransaction.requiringNew().call(() -> settle(hash, successor, successorHash, clientIp));
    }

    /** Steps 1, 3 and 4 for a token that was not active when step 2 ran. */
    private Outcome settle(byte[] hash, String successor, byte[] successorHash, String clientIp) throws SQLException {
        // Step 1: unknown, expired, session revoked or ended, user suspended -> 401, nothing more.
        TokenRow row = tokens.find(hash);
        // Read the clock after the read: a winner we waited for may have rotated T after step 2 ran.
        Instant now = clock.instant();
        if (row == null || row.rotatedAt() == null || !row.expiresAt().isAfter(now) || row.sessionRevoked()
                || !row.sessionEnd().isAfter(now) || !User.ACTIVE.equals(row.userStatus())) {
            return Refused.INVALID;
        }

        // Step 3: a retry inside the window while T' is unused gets the same T' (re-derived, never stored).
        SuccessorRow next = tokens.findSuccessor(successorHash);
        Duration grace = config.refreshToken().reuseGrace();
        // With the window at 0 (strict mode) every reuse is a replay, whatever the clocks say (SPEC §4).
        boolean insideWindow = !grace.isZero() && !grace.isNegative() && now.isBefore(row.rotatedAt().plus(grace));
        if (insideWindow && next != null && next.rotatedAt() == null && next.expiresAt().isAfter(now)) {
            return new Success(new Issued(subject(row), successor, now, next.expiresAt()), true);
        }

        // Step 4: anything else on a live session is a replay: the whole family goes.
        if (sessions.revoke(row.sessionId(), now, REASON_REPLAY)) {
            revocations.sessionRevoked(row.sessionId(), REASON_REPLAY);
            Map<String, Object> details = new HashMap<>();
            details.put("rotatedAt", row.rotatedAt().toString());
            details.put("successorUsed", next != null && next.rotatedAt() != null);
            details.put("ipAddress", clientIp);
            events.record(row.userId(), row.sessionId(), SecurityEventKind.REPLAY_DETECTED, now, details);
        }
        return Refused.REPLAYED;
    }

    /** RFC 7009 style: revokes the token's session if there is one; silent otherwise. */
    public void logout(String token) {
        if (!codec.looksValid(token)) {
            return;
        }
        byte[] hash = RefreshTokenCodec.hash(token);
        QuarkusTransaction.requiringNew().run(() -> {
            try {
                TokenRow row = tokens.find(hash);
                if (row != null && sessions.revoke(row.sessionId(), clock.instant(), REASON_LOGOUT)) {
                    revocations.sessionRevoked(row.sessionId(), REASON_LOGOUT);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("logout failed", e);
            }
        });
    }

    private static AccessTokens.Subject subject(TokenRow row) {
        return new AccessTokens.Subject(row.userId(), row.email(), List.copyOf(row.roles()), row.sessionId(), row.stamp());
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
