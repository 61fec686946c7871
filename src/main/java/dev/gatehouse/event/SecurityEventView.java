package dev.gatehouse.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/** One security event (docs/api.md "GET /api/admin/users/{id}/events"). */
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record SecurityEventView(String kind, UUID sessionId, Instant at, JsonNode details) {
}
