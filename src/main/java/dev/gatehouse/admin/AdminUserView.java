package dev.gatehouse.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.gatehouse.user.User;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user as admins see it (docs/api.md "GET /api/admin/users"). */
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record AdminUserView(UUID id, String email, String displayName, List<String> roles, boolean emailVerified,
                            String status, Instant createdAt) {

    static AdminUserView of(User user) {
        return new AdminUserView(user.id, user.email, user.displayName, user.roles, user.emailVerified,
                user.status.value(), user.createdAt);
    }
}
