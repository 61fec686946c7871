package dev.gatehouse.token;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.dpop.DpopProof;
import dev.gatehouse.dpop.UsedDpopProofs;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Origin;
import dev.gatehouse.session.Session;
import dev.gatehouse.session.SessionRevocation;
import dev.gatehouse.token.RotationStatement.Rotated;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Refresh tokens from issue to death: a session's first token at login, rotation with the reuse
 * window, replay detection, and logout (docs/tokens.md "Refresh rotation and replay detection"). Each
 * operation is one short transaction; no crypto heavier than a few hashes runs inside it (opening a
 * sealed successor is an HKDF and AES-GCM over 32 bytes; sealing runs before the rotation statement).
 */
@Singleton
public class RefreshTokens {

    static final String REASON_LOGOUT = "logout";
    static final String REASON_REPLAY = "replay_detected";
    static final String REASON_SESSION_LIMIT = "session_limit";

    /*
     * A token that could not rotate, with its session, its user and its successor, read together in
     * one statement: the retry hands out the successor sealed on T's row only if this same snapshot
     * shows it unused (docs/tokens.md "Reuse window"). The rotation of the successor erases T's sealed
     * value in the statement that marks it used (RotationStatement), so no committed state shows a
     * sealed value beside a used successor, and a rotation that commits after this read finds the
     * successor handed out to a holder of T, as it would for a retry that came a moment earlier.
     */
    private static final String FIND = """
            select t, s, u, n from RefreshToken t join Session s on s.id = t.sessionId join User u on u.id = s.userId
              left join RefreshToken n on n.tokenHash = t.successorHash
             where t.tokenHash = ?1""";

    /** What a rotation (or a login) hands back: who the access token is for, and the refresh token. */
    /** {@code bound}: the session's refresh tokens need a DPoP proof from its key (docs/dpop.md). */
    public record Issued(AccessTokens.Subject subject, String refreshToken, Instant issuedAt, Instant refreshExpiresAt,
                         boolean bound) {

        /** Seconds the refresh token has left, counted from when this answer was made. */
        public long refreshExpiresIn() {
            return Math.max(0, Duration.between(issuedAt, refreshExpiresAt).toSeconds());
        }
    }

    /** The result of {@link #rotate}: issued, or refused. */
    public sealed interface Outcome permits Success, Refused {
    }

    /** {@code retried}: the same successor handed again inside the reuse window (docs/tokens.md "Reuse window"). */
    public record Success(Issued issued, boolean retried) implements Outcome {
    }

    public enum Refused implements Outcome {
        /** Unknown, expired, revoked, or its user suspended: nothing more to do. */
        INVALID,
        /**
         * Rotated inside the reuse window, its successor unused, but nothing (or nothing that opens
         * with this token) is sealed on its row: a row from before sealed successors. 401, nothing
         * revoked (docs/tokens.md "Reuse window").
         */
        NOT_SEALED,
        /** Reused outside the reuse window: the session is now revoked (docs/tokens.md "Replay detection"). */
        REPLAYED,
        /**
         * A bound session's token without a valid proof from its key (docs/dpop.md "Refreshing"): nothing
         * rotated, revoked or counted as a replay.
         */
        WRONG_KEY,
        /** The same, with a valid proof from its key that was used before. */
        PROOF_REUSED
    }

    private final RotationStatement rotation;
    private final SessionRevocation revocation;
    private final RefreshTokenCodec codec;
    private final SecurityEvents events;
    private final UsedDpopProofs usedProofs;
    private final GatehouseConfig config;
    private final Clock clock;

    RefreshTokens(RotationStatement rotation, SessionRevocation revocation, RefreshTokenCodec codec,
                  SecurityEvents events, UsedDpopProofs usedProofs, GatehouseConfig config, Clock clock) {
        this.usedProofs = usedProofs;
        this.rotation = rotation;
        this.revocation = revocation;
        this.codec = codec;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /** Login proven without the password (a passkey, docs/passkeys.md "Signing in"; a second step, docs/mfa.md). */
    public Issued startSession(UUID userId, Predicate<User> proofHolds, Origin origin, List<String> amr) {
        return startSession(userId, proofHolds, null, origin, amr);
    }

    /**
     * Login: a new session (token family) with its first token from the CSPRNG. The user row is
     * locked and {@code proofHolds} asked under the lock, in the transaction that makes the session (false
     * answers 401), so a password change, suspension or revocation that committed while the password was
     * being verified is not undone by this login, and concurrent logins of one user respect the session cap.
     * {@code rehash}, when not null, replaces the password hash. {@code amr}: the RFC 8176 methods of this
     * sign-in, carried by every access token of the session.
     */
    public Issued startSession(UUID userId, Predicate<User> proofHolds, String rehash, Origin origin, List<String> amr) {
        String token = codec.newToken();
        byte[] hash = RefreshTokenCodec.hash(token);
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (user == null || !proofHolds.test(user)) {
                throw Problems.invalidCredentials();
            }
            if (!user.isActive()) {
                throw Problems.accountSuspended();
            }
            // docs/dpop.md "Binding": a sign-in's proof is spent with the session it makes, once the credentials held
            DpopProof deviceKey = origin.deviceKey();
            if (deviceKey != null && !usedProofs.record(deviceKey)) {
                throw Problems.invalidDpopProof();
            }
            if (rehash != null) {
                user.passwordHash = rehash;
                user.updatedAt = now;
            }
            Instant absoluteEnd = now.plus(config.session().maxLifetime());
            Instant expiresAt = earliest(now.plus(config.refreshToken().ttl()), absoluteEnd);
            Session session = new Session();
            session.id = UUID.randomUUID();
            session.userId = userId;
            session.deviceName = origin.deviceName();
            session.userAgent = origin.userAgent();
            session.ipAddress = origin.ipAddress();
            session.createdAt = now;
            session.authTime = now;
            session.amr = List.copyOf(amr);
            session.dpopJkt = deviceKey == null ? null : deviceKey.thumbprint();
            session.lastUsedAt = now;
            session.absoluteEnd = absoluteEnd;
            session.refreshExpiresAt = expiresAt;
            session.persist();
            RefreshToken first = new RefreshToken();
            first.sessionId = session.id;
            first.tokenHash = hash;
            first.issuedAt = now;
            first.expiresAt = expiresAt;
            first.persist();
            Session.flush(); // the cap below counts the new session
            revocation.revokeBeyond(userId, config.session().maxPerUser(), now, REASON_SESSION_LIMIT);
            return new Issued(new AccessTokens.Subject(userId, user.email, List.copyOf(user.roles), session.id,
                    user.securityStamp, user.emailVerified, now, session.amr), token, now, expiresAt, deviceKey != null);
        });
    }

    /**
     * docs/tokens.md "Rotation". The common case is two autocommit statements on one connection
     * (the token's session, then the rotation); when the token could not rotate, {@link #settle}
     * decides why in one transaction.
     * {@code clientIp} only goes into a replay's security event. {@code proofFor} is asked only for a token
     * of a live bound session: the thumbprint in, a valid proof from that key (or null) out (docs/dpop.md "Refreshing").
     */
    public Outcome rotate(String token, String clientIp, Function<String, DpopProof> proofFor) {
        if (!codec.looksValid(token)) {
            return Refused.INVALID;
        }
        byte[] hash = RefreshTokenCodec.hash(token);
        // docs/tokens.md "Sealed successor": a random successor, kept sealed on T's row for a retry.
        String successor = codec.newToken();
        byte[] successorHash = RefreshTokenCodec.hash(successor);
        // With no reuse window (strict mode) nothing ever opens a seal: none is written.
        Duration window = config.refreshToken().reuseGrace();
        boolean sealing = !window.isZero() && !window.isNegative();
        Instant now = clock.instant();
        RotationStatement.Attempt attempt = rotation.rotate(hash, proofFor,
                sessionId -> sealing ? codec.seal(token, successor, sessionId) : null, successorHash, now,
                now.plus(config.refreshToken().ttl()), config.refreshToken().history());
        if (!attempt.known()) {
            return Refused.INVALID;
        }
        if (attempt.refused() != null) {
            return attempt.refused();
        }
        Rotated rotated = attempt.rotated();
        if (rotated != null) {
            // The same instant as the stored one (computed in SQL from these values), at full precision.
            Instant expiresAt = earliest(now.plus(config.refreshToken().ttl()), rotated.sessionEnd());
            AccessTokens.Subject subject = new AccessTokens.Subject(rotated.userId(), rotated.email(), rotated.roles(),
                    rotated.sessionId(), rotated.stamp(), rotated.emailVerified(), rotated.authTime(), rotated.amr());
            return new Success(new Issued(subject, successor, now, expiresAt, attempt.bound()), false);
        }
        return QuarkusTransaction.requiringNew().call(() -> settle(token, hash, clientIp));
    }

    /** A token that could not rotate: invalid, a retry inside the reuse window, or a replay. */
    private Outcome settle(String token, byte[] hash, String clientIp) {
        List<Object[]> rows = RefreshToken.getEntityManager().createQuery(FIND, Object[].class)
                .setParameter(1, hash).getResultList();
        // Read the clock after the read: a winner we waited for may have rotated T after the statement ran.
        Instant now = clock.instant();
        if (rows.isEmpty()) {
            return Refused.INVALID;
        }
        RefreshToken presented = (RefreshToken) rows.get(0)[0];
        Session session = (Session) rows.get(0)[1];
        User user = (User) rows.get(0)[2];
        RefreshToken next = (RefreshToken) rows.get(0)[3];
        // Expired, session revoked or ended, user suspended: nothing left to revoke. Unused but not
        // rotated: it failed one of those checks when the statement ran.
        if (presented.rotatedAt == null || !presented.expiresAt.isAfter(now)
                || !Session.isLive(session.revokedAt, session.absoluteEnd, now) || !user.isActive()) {
            return Refused.INVALID;
        }

        Duration window = config.refreshToken().reuseGrace();
        // With the window at 0 (strict mode) every reuse is a replay, whatever the clocks say.
        boolean insideWindow = !window.isZero() && !window.isNegative() && now.isBefore(presented.rotatedAt.plus(window));
        boolean successorUsed = next != null && next.rotatedAt != null;
        if (insideWindow && !successorUsed) {
            // docs/tokens.md "Reuse window": the same T' again, opened with the presented T (never stored in clear).
            String successor = next != null && next.isUnused(now)
                    ? codec.unseal(token, session.id, presented.successorSealed) : null;
            // The seal is authenticated; the hash check also ties the hand-out to the row whose state was read.
            if (successor == null || !MessageDigest.isEqual(RefreshTokenCodec.hash(successor), next.tokenHash)) {
                return Refused.NOT_SEALED;
            }
            AccessTokens.Subject subject = new AccessTokens.Subject(user.id, user.email, List.copyOf(user.roles),
                    session.id, user.securityStamp, user.emailVerified,
                    session.authTime == null ? session.createdAt : session.authTime, session.amr);
            return new Success(new Issued(subject, successor, now, next.expiresAt, session.dpopJkt != null), true);
        }

        // Anything else on a live session is a replay: the whole family goes.
        if (revocation.revoke(session.id, now, REASON_REPLAY)) {
            Map<String, Object> details = new HashMap<>();
            details.put("rotatedAt", presented.rotatedAt.toString());
            details.put("successorUsed", successorUsed);
            details.put("ipAddress", clientIp);
            events.record(user.id, session.id, SecurityEventKind.REPLAY_DETECTED, now, details);
        }
        return Refused.REPLAYED;
    }

    /**
     * RFC 7009 style: revokes the token's session if there is one; silent otherwise. A bound session only with a
     * proof from its key ({@code proofFor} as for {@link #rotate}): a thief holding the token alone cannot end
     * the victim's session (docs/dpop.md "Logout").
     */
    public void logout(String token, Function<String, DpopProof> proofFor) {
        if (!codec.looksValid(token)) {
            return;
        }
        byte[] hash = RefreshTokenCodec.hash(token);
        QuarkusTransaction.requiringNew().run(() -> RefreshToken.findByHash(hash).ifPresent(found -> {
            Session session = Session.findById(found.sessionId);
            if (session.dpopJkt != null) {
                DpopProof proof = proofFor.apply(session.dpopJkt);
                if (proof == null || !usedProofs.record(proof)) {
                    return;
                }
            }
            revocation.revoke(found.sessionId, clock.instant(), REASON_LOGOUT);
        }));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
