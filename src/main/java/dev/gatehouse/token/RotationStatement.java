package dev.gatehouse.token;

import dev.gatehouse.dpop.DpopProof;
import dev.gatehouse.dpop.UsedDpopProof;
import dev.gatehouse.session.Session;
import dev.gatehouse.user.UserStatus;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The rotation of an unused refresh token (docs/tokens.md "Rotation") as one named statement, run
 * in autocommit on the datasource that the ORM uses: the common refresh costs two database round
 * trips (the token's session, which the sealed successor is bound to, then the rotation) and no
 * transaction.
 */
@Singleton
class RotationStatement {

    /** What a successful rotation returns: who the new access token is for, and the session's end. */
    record Rotated(UUID sessionId, UUID userId, Instant sessionEnd, String email, List<String> roles, String stamp,
                   boolean emailVerified, Instant authTime, List<String> amr) {
    }

    /*
     * The session of a token, read before the rotation: the sealed successor is bound to it. With it the key
     * the session is bound to (docs/dpop.md "Refreshing"), and whether the token could still be used at all:
     * a bound session's token that is expired, or whose session or user is dead, answers invalid_refresh_token
     * before any proof is looked at.
     */
    private static final String SESSION_OF = """
            select t.session_id, s.dpop_jkt,
                   t.expires_at > ? and\s""" + Session.liveSql("s", "?") + " and u.status = " + UserStatus.ACTIVE.sqlLiteral() + """

              from refresh_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id
             where t.token_hash = ?""";

    /*
     * The update is the atomic compare-and-set: of N concurrent requests with the same token (on any
     * instance) the first takes the row lock, the others wait for its commit, PostgreSQL re-checks
     * "rotated_at is null" against the committed row, and they get no row back. The same statement
     * stores the successor's hash and the successor sealed on the rotated row (docs/tokens.md "Sealed
     * successor"), inserts the successor, slides the session's expiry and drops hashes beyond the
     * history (the CTEs share one snapshot: the delete keeps the newest history-1 old rows, the new
     * one is the last).
     *
     * "erased" closes the other race: the rotation of T erases the sealed value on the row of T's
     * predecessor P (the row whose successor_hash is T's hash), in the same atomic statement that marks
     * T used. Every committed state therefore has either "T unused, maybe still sealed on P" or "T used,
     * nothing sealed on P", and a retry with P, which reads P's sealed value and T's state in one
     * statement (RefreshTokens.settle), can never open a T that was already exchanged: an old P never
     * unseals a live token. Keyed by successor_hash (which the retry needs anyway to find T) within the
     * session, the erase walks the (session_id, id) index over at most history rows and writes only P,
     * the one row of a session that can hold a sealed value, never a row that another statement is
     * rotating. Besides this statement only the purge locks P, with skip locked, for a moment.
     * (With a history of 2 the prune deletes P in the same statement; whichever of the two changes
     * PostgreSQL performs, nothing sealed is left, and a row left over goes with the next prune.)
     */
    private static final String ROTATE = """
            with rotated as (
              update refresh_tokens t set rotated_at = ?, successor_hash = ?, successor_sealed = ?
                from sessions s join users u on u.id = s.user_id
               where t.token_hash = ? and t.session_id = ? and t.rotated_at is null and t.expires_at > ?
                 and s.id = t.session_id and\s""" + Session.liveSql("s", "?")
            + " and u.status = " + UserStatus.ACTIVE.sqlLiteral() + """

              returning t.session_id, s.user_id, s.absolute_end, u.email, u.roles, u.security_stamp,
                        least(?::timestamptz, s.absolute_end) as next_expires_at, t.token_hash,
                        u.email_verified, coalesce(s.auth_time, s.created_at) as auth_time, s.amr
            ), successor as (
              insert into refresh_tokens (session_id, token_hash, issued_at, expires_at)
              select session_id, ?, ?, next_expires_at from rotated
            ), erased as (
              update refresh_tokens p set successor_sealed = null
                from rotated r
               where p.session_id = r.session_id and p.successor_hash = r.token_hash
                 and p.successor_sealed is not null
            ), touched as (
              update sessions set last_used_at = ?, refresh_expires_at = r.next_expires_at
                from rotated r where sessions.id = r.session_id
            ), pruned as (
              delete from refresh_tokens d using rotated r
               where d.session_id = r.session_id
                 and d.id < (select k.id from refresh_tokens k where k.session_id = r.session_id
                             order by k.id desc offset ? limit 1)
            )
            select session_id, user_id, absolute_end, email, roles, security_stamp, email_verified, auth_time, amr
              from rotated""";

    private final AgroalDataSource dataSource;

    RotationStatement(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The outcome of {@link #rotate}: an unknown token, one refused for want of its key's proof, one that did not
     * rotate, or the rotation's result. {@code bound}: the session is bound to a key.
     */
    record Attempt(boolean known, RefreshTokens.Refused refused, Rotated rotated, boolean bound) {
        static final Attempt UNKNOWN = new Attempt(false, null, null, false);

        static Attempt refused(RefreshTokens.Refused why) {
            return new Attempt(true, why, null, true);
        }
    }

    /**
     * Reads the token's session (it never changes), asks {@code sealFor} for the successor sealed
     * for that session, and rotates an unused token into {@code successorHash}, keeping the sealed
     * value on its row. Both statements on one pooled connection: a database that is down fails the
     * request once, within the pool's acquisition timeout, not twice. Not rotated when the token may
     * not rotate (used, expired, its session not live or its user not active), and then nothing changed.
     * A token of a bound session goes on only with the proof {@code proofFor} verifies for the session's key,
     * spent here on the same connection; without one nothing changes (docs/dpop.md "Refreshing").
     */
    Attempt rotate(byte[] hash, Function<String, DpopProof> proofFor, Function<UUID, byte[]> sealFor, byte[] successorHash,
                   Instant now, Instant ttlEnd, int history) {
        try (Connection connection = dataSource.getConnection()) {
            UUID sessionId;
            String boundTo;
            boolean usable;
            try (PreparedStatement select = connection.prepareStatement(SESSION_OF)) {
                OffsetDateTime timestamp = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
                select.setObject(1, timestamp);
                select.setObject(2, timestamp);
                select.setBytes(3, hash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Attempt.UNKNOWN;
                    }
                    sessionId = row.getObject(1, UUID.class);
                    boundTo = row.getString(2);
                    usable = row.getBoolean(3);
                }
            }
            if (boundTo != null) {
                if (!usable) {
                    return Attempt.UNKNOWN; // the token first: nothing is left to prove a key for
                }
                DpopProof proof = proofFor.apply(boundTo);
                if (proof == null) {
                    return Attempt.refused(RefreshTokens.Refused.WRONG_KEY);
                }
                if (!record(connection, proof)) {
                    return Attempt.refused(RefreshTokens.Refused.PROOF_REUSED);
                }
            }
            Rotated rotated = rotate(connection, hash, sessionId, successorHash, sealFor.apply(sessionId), now, ttlEnd,
                    history);
            return new Attempt(true, null, rotated, boundTo != null);
        } catch (SQLException e) {
            throw new IllegalStateException("rotation failed", e); // classified (503 or 500) by the problem mappers
        }
    }

    /** {@link UsedDpopProof#RECORD}: true the first time the proof is seen, on any instance. */
    private static boolean record(Connection connection, DpopProof proof) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(UsedDpopProof.RECORD)) {
            insert.setBytes(1, proof.hash());
            insert.setObject(2, OffsetDateTime.ofInstant(proof.keepUntil(), ZoneOffset.UTC));
            return insert.executeUpdate() == 1;
        }
    }

    private static Rotated rotate(Connection connection, byte[] hash, UUID sessionId, byte[] successorHash,
                                  byte[] sealedSuccessor, Instant now, Instant ttlEnd, int history) throws SQLException {
        try (PreparedStatement rotate = connection.prepareStatement(ROTATE)) {
            OffsetDateTime timestamp = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            int i = 0;
            rotate.setObject(++i, timestamp);          // rotated_at
            rotate.setBytes(++i, successorHash);       // successor_hash
            rotate.setBytes(++i, sealedSuccessor);     // successor_sealed
            rotate.setBytes(++i, hash);
            rotate.setObject(++i, sessionId);
            rotate.setObject(++i, timestamp);          // not expired
            rotate.setObject(++i, timestamp);          // session live
            rotate.setObject(++i, OffsetDateTime.ofInstant(ttlEnd, ZoneOffset.UTC));
            rotate.setBytes(++i, successorHash);       // the successor's row
            rotate.setObject(++i, timestamp);          // its issued_at
            rotate.setObject(++i, timestamp);          // last_used_at
            rotate.setInt(++i, history - 2); // offset of the oldest old row kept: history-1 old rows stay
            try (ResultSet row = rotate.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Array roles = row.getArray(5);
                Array amr = row.getArray(9);
                return new Rotated(row.getObject(1, UUID.class), row.getObject(2, UUID.class),
                        row.getObject(3, OffsetDateTime.class).toInstant(), row.getString(4),
                        List.of((String[]) roles.getArray()), row.getString(6), row.getBoolean(7),
                        row.getObject(8, OffsetDateTime.class).toInstant(),
                        amr == null ? null : List.of((String[]) amr.getArray()));
            }
        }
    }
}
