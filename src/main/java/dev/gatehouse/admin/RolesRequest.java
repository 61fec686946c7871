package dev.gatehouse.admin;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.List;

/** {@code PUT /api/admin/users/{id}/roles}: a non-empty set drawn from {@code user} and {@code admin}. */
public record RolesRequest(
        @NotEmpty List<@NotNull @Pattern(regexp = "user|admin", message = "must be user or admin") String> roles) {
}
