package dev.gatehouse.mail;

import io.quarkus.arc.DefaultBean;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.UUID;

/**
 * The {@link SecretSource} until one-time secrets exist: it reveals nothing, so a secret mail is dropped unsent
 * (docs/mail.md "No secret at rest"). The one-time secrets' own bean replaces it.
 */
@Singleton
@DefaultBean
class NoSecretSource implements SecretSource {

    @Override
    public Optional<Revealed> reveal(UUID secretId) {
        return Optional.empty();
    }
}
