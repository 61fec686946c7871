package dev.gatehouse.user;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.UUID;

/** The public shape of a user: {@code {id,email,displayName,roles,emailVerified,mfaEnabled}} (docs/api.md "GET /api/users/me"). */
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record UserView(UUID id, String email, String displayName, List<String> roles, boolean emailVerified,
                       boolean mfaEnabled) {

    public static UserView of(User user) {
        return new UserView(user.id, user.email, user.displayName, user.roles, user.emailVerified, user.mfaEnabled);
    }
}
