package dev.gatehouse.passkey;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/** A passkey as the API shows it: never its key or credential id. */
@RegisterForReflection
public record PasskeyView(UUID id, String name, Instant createdAt, Instant lastUsedAt, boolean backedUp) {

    static PasskeyView of(Passkey passkey) {
        return new PasskeyView(passkey.id, passkey.name, passkey.createdAt, passkey.lastUsedAt, passkey.backedUp);
    }
}
