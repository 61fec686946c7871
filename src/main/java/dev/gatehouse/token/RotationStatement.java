package dev.gatehouse.token;

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

/**
 * The rotation of an unused refresh token (docs/tokens.md "Rotation") as one named statement, run
 * in autocommit on the datasource that the ORM uses: the common refresh costs one database round
 * trip and no transaction.
 */
@Singleton
class RotationStatement {

    /** What a successful rotation returns: who the new access token is for, and the session's end. */
    record Rotated(UUID sessionId, UUID userId, Instant sessionEnd, String email, List<String> roles, String stamp) {
    }

    /*
     * The update is the atomic compare-and-set: of N concurrent requests with the same token (on any
     * instance) the first takes the row lock, the others wait for its commit, PostgreSQL re-checks
     * "rotated_at is null" against the committed row, and they get no row back. The same statement
     * inserts the successor, slides the session's expiry and drops hashes beyond the history (the
     * CTEs share one snapshot: the delete keeps the newest history-1 old rows, the new one is the last).
     */
    private static final String ROTATE = """
            with rotated as (
              update refresh_tokens t set rotated_at = ?
                from sessions s join users u on u.id = s.user_id
               where t.token_hash = ? and t.rotated_at is null and t.expires_at > ?
                 and s.id = t.session_id and\s""" + Session.liveSql("s", "?")
            + " and u.status = " + UserStatus.ACTIVE.sqlLiteral() + """

              returning t.session_id, s.user_id, s.absolute_end, u.email, u.roles, u.security_stamp,
                        least(?::timestamptz, s.absolute_end) as next_expires_at
            ), successor as (
              insert into refresh_tokens (session_id, token_hash, issued_at, expires_at)
              select session_id, ?, ?, next_expires_at from rotated
            ), touched as (
              update sessions set last_used_at = ?, refresh_expires_at = r.next_expires_at
                from rotated r where sessions.id = r.session_id
            ), pruned as (
              delete from refresh_tokens d using rotated r
               where d.session_id = r.session_id
                 and d.id < (select k.id from refresh_tokens k where k.session_id = r.session_id
                             order by k.id desc offset ? limit 1)
            )
            select * from rotated""";

    private final AgroalDataSource dataSource;

    RotationStatement(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Rotates an unused token into {@code successorHash}; null when the token may not rotate (unknown,
     * used, expired, its session not live or its user not active), and then nothing changed.
     */
    Rotated rotate(byte[] hash, byte[] successorHash, Instant now, Instant ttlEnd, int history) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement rotate = connection.prepareStatement(ROTATE)) {
            OffsetDateTime timestamp = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            rotate.setObject(1, timestamp);
            rotate.setBytes(2, hash);
            rotate.setObject(3, timestamp);
            rotate.setObject(4, timestamp);
            rotate.setObject(5, OffsetDateTime.ofInstant(ttlEnd, ZoneOffset.UTC));
            rotate.setBytes(6, successorHash);
            rotate.setObject(7, timestamp);
            rotate.setObject(8, timestamp);
            rotate.setInt(9, history - 2); // offset of the oldest old row kept: history-1 old rows stay
            try (ResultSet row = rotate.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                Array roles = row.getArray(5);
                return new Rotated(row.getObject(1, UUID.class), row.getObject(2, UUID.class),
                        row.getObject(3, OffsetDateTime.class).toInstant(), row.getString(4),
                        List.of((String[]) roles.getArray()), row.getString(6));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rotation failed", e); // classified (503 or 500) by the problem mappers
        }
    }
}
