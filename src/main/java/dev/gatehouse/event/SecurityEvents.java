package dev.gatehouse.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes and reads security events, inside the caller's transaction so the event and the change commit together. */
@Singleton
public class SecurityEvents {

    private final ObjectMapper json;

    SecurityEvents(ObjectMapper json) {
        this.json = json;
    }

    /** The user's events, newest first, at most {@code limit}. */
    public List<SecurityEventView> recent(UUID userId, int limit) {
        List<SecurityEvent> events = QuarkusTransaction.requiringNew().call(() -> SecurityEvent.<SecurityEvent>find(
                "userId", Sort.descending("at", "id"), userId).page(Page.ofSize(limit)).list());
        return events.stream().map(this::view).toList();
    }

    /**
     * The events of the data export (docs/api.md "Data export"): newest first, at most {@value #EXPORT_LIMIT}, so
     * that an account that piled up events (a logout-all per minute for months) still exports within the
     * statement timeout and a bounded heap.
     */
    public List<SecurityEventView> forExport(UUID userId) {
        return recent(userId, EXPORT_LIMIT);
    }

    public static final int EXPORT_LIMIT = 10_000;

    /** Removes every event of the user, in the caller's transaction: an account deletion (docs/api.md "Account deletion"). */
    public long deleteAllOf(UUID userId) {
        return SecurityEvent.delete("userId", userId);
    }

    public void record(UUID userId, UUID sessionId, SecurityEventKind kind, Instant at, Map<String, ?> details) {
        SecurityEvent event = new SecurityEvent();
        event.userId = userId;
        event.sessionId = sessionId;
        event.kind = kind.value();
        event.at = at;
        try {
            event.details = json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event details are not serializable", e);
        }
        event.persist();
    }

    private SecurityEventView view(SecurityEvent event) {
        try {
            return new SecurityEventView(event.kind, event.sessionId, event.at, json.readTree(event.details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event details are not JSON", e);
        }
    }
}
