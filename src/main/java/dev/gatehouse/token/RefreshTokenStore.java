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
     * SPEC §4.2, the one atomic compare-and-set of a rotation. Of N concurrent requests with the same
     * token (on any instance), the first takes the row lock; the others wait for its commit, PostgreSQL
     * re-checks "rotated_at is null" against the committed row, and they get no row back.
     */
    private static final String MARK_ROTATED = """
            update refresh_tokens t set rotated_at = ?
              from sessions s join users u on u.id = s.user_id
             where t.token_hash = ? and t.rotated_at is null and t.expires_at > ?
               and s.id = t.session_id and s.revoked_at is null and s.absolute_end > ? and u.status = 'active'
            returning\s""" + COLUMNS;

    private static final String FIND = "select " + COLUMNS + """
              from refresh_tokens t join sessions s on s.id = t.session_id join users u on u.id = s.user_id
             where t.token_hash = ?""";

    private final AgroalDataSource dataSource;

    RefreshTokenStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Marks an active token rotated; null when it is not active (unknown, used, expired, or its session is not live). */
    TokenRow markRotated(byte[] hash, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(MARK_ROTATED)) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setBytes(2, hash);
            update.setObject(3, Jdbc.timestamp(now));
            update.setObject(4, Jdbc.timestamp(now));
            try (ResultSet row = update.executeQuery()) {
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

    /** SPEC §4: a session keeps only the hashes of its newest {@code keep} tokens. */
    void pruneHistory(UUID sessionId, int keep) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("""
                     delete from refresh_tokens
                      where session_id = ? and id < (select min(id) from (select id from refresh_tokens
                            where session_id = ? order by id desc limit ?) newest)""")) {
            delete.setObject(1, sessionId);
            delete.setObject(2, sessionId);
            delete.setInt(3, keep);
            delete.executeUpdate();
        }
    }

    private static TokenRow tokenRow(ResultSet row) throws SQLException {
        return new TokenRow(row.getObject(1, UUID.class), row.getObject(2, UUID.class), Jdbc.instant(row, 3),
                Jdbc.instant(row, 4), row.getBoolean(5), Jdbc.instant(row, 6), row.getString(7), row.getString(8),
                Jdbc.strings(row, 9), row.getString(10));
    }
}
