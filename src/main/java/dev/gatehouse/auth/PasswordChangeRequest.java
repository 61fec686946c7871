package dev.gatehouse.auth;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** {@code POST /api/auth/password}; the new password obeys docs/api.md "Passwords". */
public record PasswordChangeRequest(
        @NotEmpty @CodePointLength(max = 256) @PlainText String currentPassword,
        @NotNull @CodePointLength(min = 10, max = 256) @PlainText String newPassword) {
}
