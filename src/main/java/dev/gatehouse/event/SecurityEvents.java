package dev.gatehouse.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.Jdbc;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes the security events of SPEC §8, inside the caller's transaction so the event and the change commit together. */
@Singleton
public class SecurityEvents {

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    SecurityEvents(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** The user's events, newest first, at most {@code limit}. */
    public List<SecurityEventView> recent(UUID userId, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select kind, session_id, at, details::text from security_events where user_id = ?"
                             + " order by at desc, id desc limit ?")) {
            select.setObject(1, userId);
            select.setInt(2, limit);
            List<SecurityEventView> events = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    events.add(new SecurityEventView(row.getString(1), row.getObject(2, UUID.class), Jdbc.instant(row, 3),
                            json.readTree(row.getString(4))));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read security events", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event details are not JSON", e);
        }
    }

    public void record(UUID userId, UUID sessionId, SecurityEventKind kind, Instant at, Map<String, ?> details) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "insert into security_events (user_id, session_id, kind, at, details) values (?, ?, ?, ?, ?::jsonb)")) {
            insert.setObject(1, userId);
            insert.setObject(2, sessionId);
            insert.setString(3, kind.value());
            insert.setObject(4, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
            insert.setString(5, json.writeValueAsString(details));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record security event " + kind.value(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event details are not serializable", e);
        }
    }
}
