package dev.gatehouse.passkey;

import com.webauthn4j.data.AuthenticatorAssertionResponse;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.authenticator.EdDSACOSEKey;
import com.webauthn4j.data.attestation.authenticator.RSACOSEKey;
import com.webauthn4j.data.attestation.statement.AndroidKeyAttestationStatement;
import com.webauthn4j.data.attestation.statement.AndroidSafetyNetAttestationStatement;
import com.webauthn4j.data.attestation.statement.AppleAnonymousAttestationStatement;
import com.webauthn4j.data.attestation.statement.FIDOU2FAttestationStatement;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.attestation.statement.PackedAttestationStatement;
import com.webauthn4j.data.attestation.statement.TPMAttestationStatement;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionsAuthenticatorOutputs;
import com.webauthn4j.data.extension.client.AuthenticationExtensionsClientOutputs;
import com.webauthn4j.data.extension.client.CredentialPropertiesOutput;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What webauthn4j reads and writes with Jackson by reflection, registered for the native image (Quarkus
 * has no extension for the plain library; its own WebAuthn extension registers the same roots). The
 * library is indexed (quarkus.index-dependency.webauthn4j in application.properties), so each root brings
 * the types of its fields and, through the Jackson extension, the (de)serializers its annotations name;
 * the implementations behind interface-typed fields (COSE keys, attestation statements) are listed here.
 */
@RegisterForReflection(registerFullHierarchy = true, targets = {
        PublicKeyCredential.class, AuthenticatorAttestationResponse.class, AuthenticatorAssertionResponse.class,
        AttestationObject.class, CollectedClientData.class,
        AuthenticationExtensionsClientOutputs.class, AuthenticationExtensionsAuthenticatorOutputs.class,
        CredentialPropertiesOutput.class,
        EC2COSEKey.class, EdDSACOSEKey.class, RSACOSEKey.class,
        NoneAttestationStatement.class, PackedAttestationStatement.class, FIDOU2FAttestationStatement.class,
        AndroidKeyAttestationStatement.class, AndroidSafetyNetAttestationStatement.class,
        AppleAnonymousAttestationStatement.class, TPMAttestationStatement.class})
final class WebAuthnNativeTypes {

    private WebAuthnNativeTypes() {
    }
}
