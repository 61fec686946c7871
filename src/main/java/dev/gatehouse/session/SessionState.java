package dev.gatehouse.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a Bearer request needs to know about its session and user (SPEC §2): whether the session is
 * live, the user's current stamp, and the user's public fields so that {@code /api/users/me} needs
 * no database round trip either.
 */
public record SessionState(UUID sessionId, UUID userId, boolean revoked, Instant absoluteEnd, String stamp,
                           String userStatus, String email, String displayName, List<String> roles, long loadedAtNanos) {
}
