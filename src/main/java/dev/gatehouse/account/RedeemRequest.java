package dev.gatehouse.account;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import dev.gatehouse.user.Emails;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

/**
 * A mailed secret handed back (docs/api.md "One-time codes and links"): the link's {@code token}, or the
 * {@code code} typed into the app, with the {@code email} it was sent to where the call has no signed-in
 * user; {@code newPassword} for a reset. Which fields are required depends on the call
 * ({@link AccountResource}). A token or code of the wrong shape is simply not valid: 400 {@code invalid_code}.
 */
public record RedeemRequest(
        @Size(max = 256) @PlainText String token,
        @Email @Size(max = 254) @PlainText(spaces = false) String email,
        @Size(max = 32) @PlainText String code,
        @CodePointLength(min = 10, max = 256) @PlainText String newPassword) {

    public RedeemRequest {
        email = email == null ? null : Emails.normalize(email);
    }
}
