package dev.gatehouse.passkey;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.UUID;

/**
 * The options answers (docs/passkeys.md "Flows"): a flow id and the WebAuthn Level 3 JSON forms of the
 * options ({@code PublicKeyCredentialCreationOptionsJSON}, {@code PublicKeyCredentialRequestOptionsJSON}),
 * which browsers turn into {@code navigator.credentials} arguments with {@code parse...FromJSON} and
 * Android's Credential Manager takes as they are. Binary values are base64url without padding.
 */
public final class PasskeyOptions {

    /** The ceremony's timeout, as long as the flow lives (milliseconds). */
    static final long TIMEOUT_MILLIS = 300_000;

    private PasskeyOptions() {
    }

    @RegisterForReflection
    public record Flow<T>(UUID flowId, T publicKey) {
    }

    @RegisterForReflection
    public record Creation(String challenge, RelyingPartyEntity rp, UserEntity user, List<Parameter> pubKeyCredParams,
                           long timeout, List<Descriptor> excludeCredentials, Selection authenticatorSelection,
                           String attestation) {
    }

    @RegisterForReflection
    public record Request(String challenge, long timeout, String rpId, String userVerification) {
    }

    @RegisterForReflection
    public record RelyingPartyEntity(String id, String name) {
    }

    @RegisterForReflection
    public record UserEntity(String id, String name, String displayName) {
    }

    @RegisterForReflection
    public record Parameter(String type, long alg) {
    }

    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Descriptor(String type, String id, List<String> transports) {
    }

    /** Discoverable credentials and user verification are required: a passkey alone signs in (docs/passkeys.md). */
    @RegisterForReflection
    public record Selection(String residentKey, boolean requireResidentKey, String userVerification) {
    }
}
