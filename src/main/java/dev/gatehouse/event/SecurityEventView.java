package dev.gatehouse.event;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/** One security event (SPEC §3, §8). */
public record SecurityEventView(String kind, UUID sessionId, Instant at, JsonNode details) {
}
