package dev.gatehouse.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.UUID;

/** The bodies of the passkey endpoints (docs/api.md "Passkeys"). The credential stays JSON until webauthn4j reads it. */
public final class PasskeyRequests {

    private PasskeyRequests() {
    }

    /** {@code POST /api/auth/passkeys/register}: a {@code RegistrationResponseJSON}. */
    public record Register(@NotNull UUID flowId, @CodePointLength(min = 1, max = 100) @PlainText String name,
                           @NotNull JsonNode credential) {
        public Register {
            name = name == null || name.isBlank() ? null : name.strip();
        }
    }

    /** {@code POST /api/auth/passkeys/login}: an {@code AuthenticationResponseJSON}. */
    public record Login(@NotNull UUID flowId, @NotNull JsonNode credential,
                        @CodePointLength(max = 100) @PlainText String deviceName) {
        public Login {
            deviceName = deviceName == null || deviceName.isBlank() ? null : deviceName.strip();
        }
    }

    /** {@code PATCH /api/auth/passkeys/{id}}. */
    public record Rename(@NotBlank @CodePointLength(min = 1, max = 100) @PlainText String name) {
        public Rename {
            name = name == null ? null : name.strip();
        }
    }
}
