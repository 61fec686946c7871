package dev.gatehouse.client;

import java.util.Objects;

/**
 * The start of a passkey ceremony (docs/passkeys.md "Flows"): the flow id to send back with the
 * authenticator's answer, and the WebAuthn options as JSON, which Android's Credential Manager takes as
 * they are ({@code CreatePublicKeyCredentialRequest(requestJson)} to add a passkey,
 * {@code GetPublicKeyCredentialOption(requestJson)} to sign in). A flow is used once and lives 5 minutes.
 *
 * @param flowId      Gatehouse's id of the ceremony
 * @param requestJson {@code PublicKeyCredentialCreationOptionsJSON} or {@code PublicKeyCredentialRequestOptionsJSON}
 */
public record PasskeyOptions(String flowId, String requestJson) {

    public PasskeyOptions {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(requestJson, "requestJson");
    }
}
