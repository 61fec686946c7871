package dev.gatehouse.client;

import org.json.JSONArray;
import org.json.JSONObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The signed-in user, as {@code GET /api/users/me} shows it (docs/api.md "GET /api/users/me").
 *
 * @param displayName   {@code null} when the user set none
 * @param roles         e.g. {@code [user]}, {@code [user, admin]}
 * @param emailVerified whether the user has proven the address (docs/clients.md "Account calls")
 * @param mfaEnabled    whether a second factor (TOTP) is on (docs/mfa.md)
 */
public record User(String id, String email, String displayName, List<String> roles, boolean emailVerified,
                   boolean mfaEnabled) {

    public User {
        roles = List.copyOf(roles);
    }

    /** A user without a second factor (the shape before {@code mfaEnabled}). */
    public User(String id, String email, String displayName, List<String> roles, boolean emailVerified) {
        this(id, email, displayName, roles, emailVerified, false);
    }

    /** From the JSON object of {@code /api/users/me}; {@code null} when it lacks the id or e-mail. */
    static User fromJson(JSONObject json) {
        String id = AuthApi.string(json, "id");
        String email = AuthApi.string(json, "email");
        if (id == null || email == null) {
            return null;
        }
        List<String> roles = new ArrayList<>();
        if (json.opt("roles") instanceof JSONArray array) {
            for (int i = 0; i < array.length(); i++) {
                if (array.opt(i) instanceof String role) {
                    roles.add(role);
                }
            }
        }
        return new User(id, email, AuthApi.string(json, "displayName"), roles,
                Boolean.TRUE.equals(json.opt("emailVerified")), Boolean.TRUE.equals(json.opt("mfaEnabled")));
    }
}
