package dev.gatehouse.token;

import dev.gatehouse.common.Jdbc;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The SQL behind {@link RefreshTokens}. Every method runs in the caller's transaction. Tokens are
 * looked up by their SHA-256 hash only.
 */
@Singleton
class RefreshTokenStore {

    /** A token row joined with what decides whether it may still be used (SPEC §4.1). */
    record TokenRow(UUID sessionId, UUID userId, Instant expiresAt, Instant rotatedAt, boolean sessionRevoked,
                    Instant sessionEnd, String userStatus, String email, List<String> roles, String stamp) {
    }

    /** A successor's row: enough to tell whether it was already used. */
    record SuccessorRow(Instant expiresAt, Instant rotatedAt) {
    }

    private static final String COLUMNS = """
            t.session_id, s.user_id, t.expires_at, t.rotated_at, s.revoked_at is not null, s.absolute_end,
            u.status, u.email, u.roles, u.security_stamp""";

    /*
     * SPEC §4.2 as one statement, so a successful refresh costs one round trip in autocommit. The
     * update is the atomic compare-and-set: of N concurrent requests with the same token (on any
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
                 and s.id = t.session_id and s.revoked_at is null and s.absolute_end > ? and u.status = 'active'
              returning\s""" + COLUMNS + """
            , least(?::timestamptz, s.absolute_end) as next_expires_at
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

    private static final String FIND = "select " + COLUMNS + """
              from refresh_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id
             where t.token_hash = ?""";

    private final AgroalDataSource dataSource;

    RefreshTokenStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Rotates an active token into {@code successorHash} (see {@link #ROTATE}); null when the token is
     * not active (unknown, used, expired, or its session is not live), and then nothing changed.
     */
    TokenRow rotate(byte[] hash, byte[] successorHash, Instant now, Instant ttlEnd, int history) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement rotate = connection.prepareStatement(ROTATE)) {
            var timestamp = Jdbc.timestamp(now);
            rotate.setObject(1, timestamp);
            rotate.setBytes(2, hash);
            rotate.setObject(3, timestamp);
            rotate.setObject(4, timestamp);
            rotate.setObject(5, Jdbc.timestamp(ttlEnd));
            rotate.setBytes(6, successorHash);
            rotate.setObject(7, timestamp);
            rotate.setObject(8, timestamp);
            rotate.setInt(9, history - 2); // offset of the oldest old row kept: history-1 old rows stay
            try (ResultSet row = rotate.executeQuery()) {
                return row.next() ? tokenRow(row) : null;
            }
        }
    }

    TokenRow find(byte[] hash) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(FIND)) {
            select.setBytes(1, hash);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? tokenRow(row) : null;
            }
        }
    }

    SuccessorRow findSuccessor(byte[] hash) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select expires_at, rotated_at from refresh_tokens where token_hash = ?")) {
            select.setBytes(1, hash);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new SuccessorRow(Jdbc.instant(row, 1), Jdbc.instant(row, 2)) : null;
            }
        }
    }

    void insert(UUID sessionId, byte[] hash, Instant issuedAt, Instant expiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into refresh_tokens (session_id, token_hash, issued_at, expires_at) values (?, ?, ?, ?)")) {
            insert.setObject(1, sessionId);
            insert.setBytes(2, hash);
            insert.setObject(3, Jdbc.timestamp(issuedAt));
            insert.setObject(4, Jdbc.timestamp(expiresAt));
            insert.executeUpdate();
        }
    }

    private static TokenRow tokenRow(ResultSet row) throws SQLException {
        return new TokenRow(row.getObject(1, UUID.class), row.getObject(2, UUID.class), Jdbc.instant(row, 3),
                Jdbc.instant(row, 4), row.getBoolean(5), Jdbc.instant(row, 6), row.getString(7), row.getString(8),
                Jdbc.strings(row, 9), row.getString(10));
    }
}
