package dev.gatehouse.session;

import dev.gatehouse.common.Jdbc;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The SQL for sessions (token families). Every method runs in the caller's transaction. */
@Singleton
public class SessionStore {

    /** Where a login came from; every field is optional and already length-capped. */
    public record Origin(String deviceName, String userAgent, String ipAddress) {
    }

    private final AgroalDataSource dataSource;

    SessionStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The user row as a login must re-check it, locked until the login's transaction ends. */
    public record LockedUser(String email, String passwordHash, String status, String stamp, List<String> roles) {
    }

    public LockedUser lockUser(UUID userId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select email, password_hash, status, security_stamp, roles from users where id = ? for update")) {
            select.setObject(1, userId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new LockedUser(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        Jdbc.strings(row, 5)) : null;
            }
        }
    }

    /** SPEC §6: a hash made with old Argon2id parameters is replaced on the next successful login. */
    public void updatePasswordHash(UUID userId, String passwordHash, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update users set password_hash = ?, updated_at = ? where id = ?")) {
            update.setString(1, passwordHash);
            update.setObject(2, Jdbc.timestamp(now));
            update.setObject(3, userId);
            update.executeUpdate();
        }
    }

    public void insert(UUID sessionId, UUID userId, Origin origin, Instant now, Instant absoluteEnd,
                       Instant refreshExpiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     insert into sessions (id, user_id, device_name, user_agent, ip_address, created_at, last_used_at,
                                           absolute_end, refresh_expires_at)
                     values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, sessionId);
            insert.setObject(2, userId);
            insert.setString(3, origin.deviceName());
            insert.setString(4, origin.userAgent());
            insert.setString(5, origin.ipAddress());
            insert.setObject(6, Jdbc.timestamp(now));
            insert.setObject(7, Jdbc.timestamp(now));
            insert.setObject(8, Jdbc.timestamp(absoluteEnd));
            insert.setObject(9, Jdbc.timestamp(refreshExpiresAt));
            insert.executeUpdate();
        }
    }

    /** Revokes one session; false when it was already revoked (or does not exist). */
    public boolean revoke(UUID sessionId, Instant now, String reason) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update sessions set revoked_at = ?, revoke_reason = ? where id = ? and revoked_at is null")) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setString(2, reason);
            update.setObject(3, sessionId);
            return update.executeUpdate() == 1;
        }
    }

    /** SPEC §1 "active": not revoked, not past its absolute end, newest refresh token not expired. Newest first. */
    public List<SessionView> listActive(UUID userId, UUID currentSessionId, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     select id, device_name, user_agent, ip_address, created_at, last_used_at,
                            least(refresh_expires_at, absolute_end)
                       from sessions
                      where user_id = ? and revoked_at is null and absolute_end > ? and refresh_expires_at > ?
                      order by created_at desc, id""")) {
            select.setObject(1, userId);
            select.setObject(2, Jdbc.timestamp(now));
            select.setObject(3, Jdbc.timestamp(now));
            List<SessionView> sessions = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    UUID id = row.getObject(1, UUID.class);
                    sessions.add(new SessionView(id, row.getString(2), row.getString(3), row.getString(4),
                            Jdbc.instant(row, 5), Jdbc.instant(row, 6), Jdbc.instant(row, 7), id.equals(currentSessionId)));
                }
            }
            return sessions;
        }
    }

    /** What revoking one of a user's sessions found. */
    public enum OwnedRevocation { REVOKED, ALREADY_REVOKED, NOT_OWNED }

    /** Revokes one session if it belongs to the user. */
    public OwnedRevocation revokeOwned(UUID userId, UUID sessionId, Instant now, String reason) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update sessions set revoked_at = ?, revoke_reason = ? where id = ? and user_id = ? and revoked_at is null");
             PreparedStatement owned = connection.prepareStatement("select 1 from sessions where id = ? and user_id = ?")) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setString(2, reason);
            update.setObject(3, sessionId);
            update.setObject(4, userId);
            if (update.executeUpdate() == 1) {
                return OwnedRevocation.REVOKED;
            }
            owned.setObject(1, sessionId);
            owned.setObject(2, userId);
            try (ResultSet row = owned.executeQuery()) {
                return row.next() ? OwnedRevocation.ALREADY_REVOKED : OwnedRevocation.NOT_OWNED;
            }
        }
    }

    /** Revokes every live session of the user but {@code except} (may be null). Returns the ids it revoked. */
    public List<UUID> revokeAll(UUID userId, UUID except, Instant now, String reason) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     update sessions set revoked_at = ?, revoke_reason = ?
                      where user_id = ? and revoked_at is null and id is distinct from ?
                     returning id""")) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setString(2, reason);
            update.setObject(3, userId);
            update.setObject(4, except);
            return ids(update);
        }
    }

    /**
     * SPEC §1: a user has at most {@code max} active sessions; beyond that the least recently used
     * ones are revoked. Returns the ids it revoked.
     */
    public List<UUID> revokeBeyond(UUID userId, int max, Instant now, String reason) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     update sessions set revoked_at = ?, revoke_reason = ?
                      where id in (select id from sessions
                                    where user_id = ? and revoked_at is null and absolute_end > ? and refresh_expires_at > ?
                                    order by last_used_at desc, created_at desc offset ?)
                     returning id""")) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setString(2, reason);
            update.setObject(3, userId);
            update.setObject(4, Jdbc.timestamp(now));
            update.setObject(5, Jdbc.timestamp(now));
            update.setInt(6, max);
            return ids(update);
        }
    }

    private static List<UUID> ids(PreparedStatement statement) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
