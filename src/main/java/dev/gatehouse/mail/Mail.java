package dev.gatehouse.mail;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A mail to queue in the outbox. It never holds a usable secret: a mail for a one-time secret
 * names the secret by id, and the sender asks {@link SecretSource} for the token and code when it
 * sends (docs/mail.md "No secret at rest").
 *
 * @param userId          whose mail it is, so that an account deletion can remove it; null for a mail that must
 *                        outlive the account (the deletion notice)
 * @param secretId        the one-time secret the mail carries; null for a notice
 * @param secretExpiresAt when that secret dies: the mail is dropped unsent after it
 * @param notice          which notice; null for a secret mail
 * @param details         plain values the text shows (for example the new address of an e-mail change); no secret
 */
public record Mail(MailKind kind, String recipient, UUID userId, UUID secretId, Instant secretExpiresAt, Notice notice,
                   Map<String, String> details) {

    public Mail {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(recipient);
        details = details == null ? Map.of() : Map.copyOf(details);
        if ((kind == MailKind.NOTICE) != (notice != null) || (kind == MailKind.NOTICE) == (secretId != null)) {
            throw new IllegalArgumentException("a notice has a Notice and no secret; a secret mail has a secret and no Notice");
        }
    }

    public static Mail secret(MailKind kind, String recipient, UUID userId, UUID secretId, Instant secretExpiresAt) {
        return new Mail(kind, recipient, userId, secretId, Objects.requireNonNull(secretExpiresAt), null, Map.of());
    }

    public static Mail notice(Notice notice, String recipient, UUID userId, Map<String, String> details) {
        return new Mail(MailKind.NOTICE, recipient, userId, null, null, notice, details);
    }
}
