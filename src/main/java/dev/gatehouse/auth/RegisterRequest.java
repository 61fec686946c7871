package dev.gatehouse.auth;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import dev.gatehouse.user.Emails;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/register}. The email arrives trimmed and lower-cased; a blank display name is none. */
public record RegisterRequest(
        @NotBlank @Email @Size(max = 254) @PlainText(spaces = false) String email,
        @NotNull @CodePointLength(min = 10, max = 256) @PlainText String password,
        @CodePointLength(max = 100) @PlainText String displayName) {

    public RegisterRequest {
        email = Emails.normalize(email);
        displayName = displayName == null || displayName.isBlank() ? null : displayName.strip();
    }
}
