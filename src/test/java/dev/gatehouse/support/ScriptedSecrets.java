package dev.gatehouse.support;

import dev.gatehouse.mail.SecretSource;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SecretSource} that reveals what a test put in it, for the mail tests that run without the one-time
 * secrets behind them. Enabled only by a test profile that names it ({@code getEnabledAlternatives}).
 */
@Alternative
@Singleton
public class ScriptedSecrets implements SecretSource {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<UUID, Revealed> secrets = new ConcurrentHashMap<>();

    /** A new secret of the real shape, revealed from now on under the returned id. */
    public Map.Entry<UUID, Revealed> create() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Revealed secret = new Revealed("gatehouse_ot_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                String.format("%06d", RANDOM.nextInt(1_000_000)));
        UUID id = UUID.randomUUID();
        secrets.put(id, secret);
        return Map.entry(id, secret);
    }

    @Override
    public Optional<Revealed> reveal(UUID secretId) {
        return Optional.ofNullable(secrets.get(secretId));
    }
}
