package dev.gatehouse.mail;

import java.util.Optional;
import java.util.UUID;

/**
 * Re-derives, at send time, the link token and the code of a one-time secret that the outbox only
 * names by id (docs/mail.md "No secret at rest"). Empty when the secret can no longer be used (used,
 * superseded, expired, its user's stamp changed, or gone): the mail is then dropped unsent.
 */
public interface SecretSource {

    Optional<Revealed> reveal(UUID secretId);

    /** {@code token}: {@code gatehouse_ot_} + 43 characters; {@code code}: six digits. */
    record Revealed(String token, String code) {
        @Override
        public String toString() {
            return "Revealed[redacted]"; // never in a log line
        }
    }
}
