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

    /** After a rotation: the session was used now and its newest token expires then. */
    public void touch(UUID sessionId, Instant now, Instant refreshExpiresAt) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "update sessions set last_used_at = ?, refresh_expires_at = ? where id = ?")) {
            update.setObject(1, Jdbc.timestamp(now));
            update.setObject(2, Jdbc.timestamp(refreshExpiresAt));
            update.setObject(3, sessionId);
            update.executeUpdate();
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
            List<UUID> revoked = new ArrayList<>();
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    revoked.add(rows.getObject(1, UUID.class));
                }
            }
            return revoked;
        }
    }
}
