package dev.gatehouse.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.authenticator.EdDSACOSEKey;
import com.webauthn4j.data.attestation.authenticator.RSACOSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A software platform authenticator and the browser (or Android Credential Manager) around it, for tests:
 * one discoverable credential with user verification (ES256 by default; EdDSA, RS256 and the unoffered ES384
 * and RS1 for the algorithm checks), built from webauthn4j's own model classes and
 * converters (the CBOR and COSE are the library's) and signed with the JDK. {@link #create} answers
 * creation options with a {@code RegistrationResponseJSON}, {@link #get} request options with an
 * {@code AuthenticationResponseJSON}; {@link Tamper} makes the hostile variants.
 */
public final class SoftwareAuthenticator {

    /** The web origin of the test profile, and the Android app's (the apk-key-hash of its test certificate). */
    public static final String WEB_ORIGIN = "https://shop.test";
    public static final String ANDROID_ORIGIN = "android:apk-key-hash:KcMzy4ZmwSCID0V8PG1ATO5Ikk95oWFkGqd6wJW5HWs";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Changes to one ceremony, for the refusals. Null or false fields change nothing. */
    public record Tamper(String rpId, String challenge, String type, Boolean userPresent, Boolean userVerified,
                         Long counter, byte[] userHandle, boolean badSignature, boolean crossOrigin) {

        public static final Tamper NONE = new Tamper(null, null, null, null, null, null, null, false, false);

        public static Tamper rpId(String rpId) {
            return new Tamper(rpId, null, null, null, null, null, null, false, false);
        }

        public static Tamper challenge(String challenge) {
            return new Tamper(null, challenge, null, null, null, null, null, false, false);
        }

        public static Tamper type(String type) {
            return new Tamper(null, null, type, null, null, null, null, false, false);
        }

        public static Tamper withoutUserPresence() {
            return new Tamper(null, null, null, false, null, null, null, false, false);
        }

        public static Tamper withoutUserVerification() {
            return new Tamper(null, null, null, null, false, null, null, false, false);
        }

        public static Tamper counter(long counter) {
            return new Tamper(null, null, null, null, null, counter, null, false, false);
        }

        public static Tamper userHandle(byte[] userHandle) {
            return new Tamper(null, null, null, null, null, null, userHandle, false, false);
        }

        public static Tamper withBadSignature() {
            return new Tamper(null, null, null, null, null, null, null, true, false);
        }

        public static Tamper inCrossOriginFrame() {
            return new Tamper(null, null, null, null, null, null, null, false, true);
        }
    }

    private final KeyPair keyPair;
    private final COSEKey publicKey;
    private final String signatureAlgorithm;
    private final byte[] credentialId = new byte[16];
    private byte[] userHandle;
    private long counter;
    private boolean countsSignatures = true;
    private boolean backedUp;

    private SoftwareAuthenticator(String keyAlgorithm, AlgorithmParameterSpec spec, Integer keySize,
                                  Function<KeyPair, COSEKey> coseKey, String signatureAlgorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
            if (spec != null) {
                generator.initialize(spec);
            } else if (keySize != null) {
                generator.initialize(keySize);
            }
            this.keyPair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.publicKey = coseKey.apply(keyPair);
        this.signatureAlgorithm = signatureAlgorithm;
        RANDOM.nextBytes(credentialId);
    }

    /** ES256 on P-256, what platform authenticators use. */
    public static SoftwareAuthenticator es256() {
        return new SoftwareAuthenticator("EC", new ECGenParameterSpec("secp256r1"), null,
                keys -> EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256), "SHA256withECDSA");
    }

    /** EdDSA on Ed25519, which Gatehouse offers too. */
    public static SoftwareAuthenticator ed25519() {
        return new SoftwareAuthenticator("Ed25519", null, null,
                keys -> EdDSACOSEKey.create((EdECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.EdDSA), "Ed25519");
    }

    /** RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit), the third algorithm Gatehouse offers. */
    public static SoftwareAuthenticator rs256() {
        return new SoftwareAuthenticator("RSA", null, 2048,
                keys -> RSACOSEKey.create((RSAPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.RS256), "SHA256withRSA");
    }

    /** ES384 on P-384: an algorithm Gatehouse does not offer. */
    public static SoftwareAuthenticator es384() {
        return new SoftwareAuthenticator("EC", new ECGenParameterSpec("secp384r1"), null,
                keys -> EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES384), "SHA384withECDSA");
    }

    /** RS1 (RSA with SHA-1): a deprecated algorithm Gatehouse does not offer. */
    public static SoftwareAuthenticator rs1() {
        return new SoftwareAuthenticator("RSA", null, 2048,
                keys -> RSACOSEKey.create((RSAPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.RS1), "SHA1withRSA");
    }

    /** A synced passkey: backup eligible and backed up (flags BE and BS) in every ceremony. */
    public SoftwareAuthenticator backedUp() {
        backedUp = true;
        return this;
    }

    /** An authenticator that always reports a signature counter of 0, as synced passkeys do. */
    public SoftwareAuthenticator withoutCounter() {
        countsSignatures = false;
        return this;
    }

    public String credentialId() {
        return B64.encodeToString(credentialId);
    }

    public byte[] userHandle() {
        return userHandle;
    }

    public long counter() {
        return counter;
    }

    /** Sets the counter the next sign-in starts from (it is incremented before signing). */
    public void setCounter(long counter) {
        this.counter = counter;
    }

    public Map<String, Object> create(JsonNode options, String origin) {
        return create(options, origin, Tamper.NONE);
    }

    /** {@code navigator.credentials.create} with the options of {@code register/options} ({@code publicKey}). */
    public Map<String, Object> create(JsonNode options, String origin, Tamper tamper) {
        String rpId = tamper.rpId() != null ? tamper.rpId() : options.path("rp").path("id").asText();
        userHandle = B64D.decode(options.path("user").path("id").asText());
        String challenge = tamper.challenge() != null ? tamper.challenge() : options.path("challenge").asText();
        byte[] clientData = clientData(tamper.type() != null ? tamper.type() : "webauthn.create", challenge, origin,
                tamper.crossOrigin());
        AttestedCredentialData attested = new AttestedCredentialData(new AAGUID(new UUID(0, 0)), credentialId, publicKey);
        long count = countsSignatures ? counter : 0;
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> authenticatorData = new AuthenticatorData<>(
                sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                flags(tamper, AuthenticatorData.BIT_AT), count, attested);
        byte[] attestationObject = new AttestationObjectConverter(CONVERTER)
                .convertToBytes(new AttestationObject(authenticatorData, new NoneAttestationStatement()));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(attestationObject));
        response.put("transports", List.of("internal"));
        return credential(response);
    }

    public Map<String, Object> get(JsonNode options, String origin) {
        return get(options, origin, Tamper.NONE);
    }

    /** {@code navigator.credentials.get} with the options of {@code login/options}: discoverable, so this credential. */
    public Map<String, Object> get(JsonNode options, String origin, Tamper tamper) {
        String rpId = tamper.rpId() != null ? tamper.rpId() : options.path("rpId").asText();
        String challenge = tamper.challenge() != null ? tamper.challenge() : options.path("challenge").asText();
        byte[] clientData = clientData(tamper.type() != null ? tamper.type() : "webauthn.get", challenge, origin,
                tamper.crossOrigin());
        if (countsSignatures) {
            counter++;
        }
        long count = tamper.counter() != null ? tamper.counter() : countsSignatures ? counter : 0;
        byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER).convert(
                new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(
                        sha256(rpId.getBytes(StandardCharsets.UTF_8)), flags(tamper, (byte) 0), count));
        byte[] signature = sign(concat(authenticatorData, sha256(clientData)));
        if (tamper.badSignature()) {
            signature[signature.length - 1] ^= 1;
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authenticatorData));
        response.put("signature", B64.encodeToString(signature));
        byte[] handle = tamper.userHandle() != null ? tamper.userHandle() : userHandle;
        response.put("userHandle", handle == null ? null : B64.encodeToString(handle));
        return credential(response);
    }

    private Map<String, Object> credential(Map<String, Object> response) {
        Map<String, Object> credential = new LinkedHashMap<>();
        credential.put("id", credentialId());
        credential.put("rawId", credentialId());
        credential.put("type", "public-key");
        credential.put("response", response);
        credential.put("clientExtensionResults", Map.of());
        credential.put("authenticatorAttachment", "platform");
        return credential;
    }

    private byte flags(Tamper tamper, byte extra) {
        int flags = extra;
        if (backedUp) {
            flags |= AuthenticatorData.BIT_BE | AuthenticatorData.BIT_BS;
        }
        if (!Boolean.FALSE.equals(tamper.userPresent())) {
            flags |= AuthenticatorData.BIT_UP;
        }
        if (!Boolean.FALSE.equals(tamper.userVerified())) {
            flags |= AuthenticatorData.BIT_UV;
        }
        return (byte) flags;
    }

    private static byte[] clientData(String type, String challenge, String origin, boolean crossOrigin) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("challenge", challenge);
        data.put("origin", origin);
        data.put("crossOrigin", crossOrigin);
        try {
            return JSON.writeValueAsBytes(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(keyPair.getPrivate());
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
