package dev.gatehouse.session;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/**
 * One active session as the sessions endpoints show it (docs/api.md "GET /api/auth/sessions"). {@code expiresAt}
 * is when it ends unless refreshed again: its newest token's expiry, capped by the absolute end.
 */
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record SessionView(UUID id, String deviceName, String userAgent, String ipAddress, Instant createdAt,
                          Instant lastUsedAt, Instant expiresAt, boolean current) {

    static SessionView of(Session session, boolean current) {
        return new SessionView(session.id, session.deviceName, session.userAgent, session.ipAddress,
                session.createdAt, session.lastUsedAt, session.expiresAt(), current);
    }
}
