package dev.gatehouse.auth;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import dev.gatehouse.user.Emails;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/auth/login}. No email format rule here: a malformed email is simply unknown
 * (401), so login never tells which emails could exist; text no email or password can hold (a
 * control or invisible character, docs/api.md "Input rules") is 400 as everywhere.
 */
public record LoginRequest(
        @NotBlank @Size(max = 254) @PlainText(spaces = false) String email,
        @NotEmpty @CodePointLength(max = 256) @PlainText String password,
        @CodePointLength(max = 100) @PlainText String deviceName) {

    public LoginRequest {
        email = Emails.normalize(email);
        deviceName = deviceName == null || deviceName.isBlank() ? null : deviceName.strip();
    }
}
