package dev.gatehouse.account;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import dev.gatehouse.user.Emails;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/email}: the new address, normalized like every e-mail, and the current password. */
public record EmailChangeRequest(
        @NotBlank @Email @Size(max = 254) @PlainText(spaces = false) String newEmail,
        @NotEmpty @CodePointLength(max = 256) @PlainText String currentPassword) {

    public EmailChangeRequest {
        newEmail = newEmail == null ? null : Emails.normalize(newEmail);
    }
}
