package dev.gatehouse.session;

import dev.gatehouse.user.User;
import dev.gatehouse.user.UserStatus;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a Bearer request needs to know about a user (docs/tokens.md "Session-state cache"): the current
 * security stamp and status, and the public fields {@code /api/users/me} answers with. Cached once per
 * user and shared by all of that user's cached sessions, so invalidating a user is one entry.
 */
record UserState(UUID userId, String stamp, UserStatus status, String email, String displayName, List<String> roles,
                 boolean emailVerified, boolean mfaEnabled) {

    /** Role lists are few ({@code [user]}, {@code [user, admin]}): one copy of each, not one per cached user. */
    private static final Map<List<String>, List<String>> ROLE_LISTS = new ConcurrentHashMap<>();
    private static final int MAX_ROLE_LISTS = 256;

    static UserState of(User user) {
        return new UserState(user.id, user.securityStamp, user.status, user.email, user.displayName, roles(user.roles),
                user.emailVerified, user.mfaEnabled);
    }

    private static List<String> roles(List<String> roles) {
        List<String> copy = roles.stream().map(String::intern).toList();
        List<String> shared = ROLE_LISTS.get(copy);
        if (shared != null) {
            return shared;
        }
        // a bounded pool: a deployment with unusually many role combinations just keeps its own copies
        return ROLE_LISTS.size() < MAX_ROLE_LISTS ? ROLE_LISTS.computeIfAbsent(copy, key -> key) : copy;
    }
}
