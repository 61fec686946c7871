package dev.gatehouse.account;

import dev.gatehouse.common.PlainText;
import dev.gatehouse.user.Emails;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/auth/password/forgot} and {@code POST /api/auth/email/verification}: an address,
 * normalized like every e-mail that enters (docs/api.md "Emails"). Required by the forgot call, optional
 * for a signed-in verification request.
 */
@RegisterForReflection // read by hand (problem/OptionalJsonBody), not as a JAX-RS parameter: native needs it registered
public record EmailRequest(@Email @Size(max = 254) @PlainText(spaces = false) String email) {

    public EmailRequest {
        email = email == null ? null : Emails.normalize(email);
    }
}
