package dev.gatehouse.keys;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code gatehouse.secret} and {@code gatehouse.previous-secrets}, decoded and checked at start
 * (docs/operations.md "The server secret"): base64, at least 32 bytes each, or the start stops with a
 * message naming the property (never the value). The secret keys the version 2 features' stored data;
 * it never signs a token, is never derived from a signing key, and refresh tokens do not use it.
 */
@Startup // a missing or malformed secret must stop the start, not the first request that needs it
@Singleton
public class ServerSecret {

    static final String PROPERTY = "gatehouse.secret";
    static final String PREVIOUS_PROPERTY = "gatehouse.previous-secrets";
    static final int MIN_BYTES = 32;

    private final byte[] current;
    private final List<byte[]> accepted;

    ServerSecret(GatehouseConfig config) {
        this.current = decode(PROPERTY, config.secret());
        List<byte[]> all = new ArrayList<>();
        all.add(current);
        for (String previous : config.previousSecrets().orElse(List.of())) {
            all.add(decode(PREVIOUS_PROPERTY, previous));
        }
        this.accepted = List.copyOf(all);
    }

    /** The secret that new data is written with. A copy. */
    public byte[] current() {
        return current.clone();
    }

    /** Every secret that stored data may be read with: the current one first, then the previous ones. Copies. */
    public List<byte[]> accepted() {
        return accepted.stream().map(byte[]::clone).toList();
    }

    static byte[] decode(String property, String value) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            // not e: its message quotes a character of the value
            throw new IllegalStateException(property + " is not valid base64 (generate one with 'openssl rand -base64 32')");
        }
        if (decoded.length < MIN_BYTES) {
            throw new IllegalStateException(property + " must decode to at least " + MIN_BYTES + " bytes, not "
                    + decoded.length + " (generate one with 'openssl rand -base64 32')");
        }
        return decoded;
    }
}
