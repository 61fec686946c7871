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

    /** SPEC §4, steps 1–4, in one transaction. {@code clientIp} only goes into a replay's security event. */
    public Outcome rotate(String token, String clientIp) {
        if (!codec.looksValid(token)) {
            return Refused.INVALID;
        }
        byte[] hash = RefreshTokenCodec.hash(token);
        return QuarkusTransaction.requiringNew().call(() -> rotate(token, hash, clientIp));
    }

    private Outcome rotate(String token, byte[] hash, String clientIp) throws SQLException {
        Instant now = clock.instant();

        // Step 2: T is active -> mark it rotated (the compare-and-set), create T' in the same session.
        TokenRow active = tokens.markRotated(hash, now);
        if (active != null) {
            String successor = codec.successorOf(token);
            Instant expiresAt = earliest(now.plus(config.refreshToken().ttl()), active.sessionEnd());
            tokens.insert(active.sessionId(), RefreshTokenCodec.hash(successor), now, expiresAt);
            sessions.touch(active.sessionId(), now, expiresAt);
            tokens.pruneHistory(active.sessionId(), config.refreshToken().history());
            return new Success(new Issued(subject(active), successor, now, expiresAt), false);
        }

        // Step 1: unknown, expired, session revoked or ended, user suspended -> 401, nothing more.
        TokenRow row = tokens.find(hash);
        // Read the clock again: a winner we waited for may have rotated T after our first reading.
        now = clock.instant();
        if (row == null || row.rotatedAt() == null || !row.expiresAt().isAfter(now) || row.sessionRevoked()
                || !row.sessionEnd().isAfter(now) || !User.ACTIVE.equals(row.userStatus())) {
            return Refused.INVALID;
        }

        // Step 3: a retry inside the window while T' is unused gets the same T' (re-derived, never stored).
        String successor = codec.successorOf(token);
        SuccessorRow next = tokens.findSuccessor(RefreshTokenCodec.hash(successor));
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
