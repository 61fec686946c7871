package dev.gatehouse.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.Problems;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who Gatehouse is to authenticators (docs/passkeys.md "Configuration"): the RP ID whose hash every
 * authenticator signs, the origins a ceremony may come from, and the algorithms it accepts. Read once;
 * a malformed setting stops the start rather than failing the first ceremony.
 */
@Singleton
public class RelyingParty {

    /** ES256, EdDSA and RS256, in the order authenticators should prefer (docs/passkeys.md "Algorithms"). */
    static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private static final String ANDROID_ORIGIN = "android:apk-key-hash:";

    private final Optional<String> rpId;
    private final String rpName;
    private final Set<Origin> origins;
    /*
     * The non-strict manager verifies everything but the trust chain of an attestation statement: Gatehouse
     * asks for attestation "none" (it does not restrict which authenticators users pick), so there is no
     * chain to trust. Origins, RP ID hash, challenge, flags, algorithms and signatures are all checked.
     */
    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager();

    RelyingParty(GatehouseConfig config) {
        GatehouseConfig.Passkeys passkeys = config.passkeys();
        this.rpId = passkeys.rpId().map(String::trim).filter(id -> !id.isEmpty()).map(id -> id.toLowerCase(Locale.ROOT));
        this.rpName = passkeys.rpName();
        // docs/passkeys.md "Counters": PasskeySignIn applies the counter rule in the statement that stores the
        // count, atomically across parallel sign-ins; webauthn4j's own check (which reads a count another sign-in
        // may be storing) would only duplicate it with a different rule for a count of zero.
        manager.getAuthenticationDataVerifier().setMaliciousCounterValueHandler(authenticationObject -> { });
        // A sign-in inside a cross-origin iframe is refused outright (the library would otherwise judge its top
        // origin). Registration needs a signed-in user and a recent sign-in; its flow is not exposed to framing.
        manager.getAuthenticationDataVerifier().setCrossOriginAllowed(false);
        this.origins = rpId.map(id -> origins(id, passkeys.origins().orElse(List.of("https://" + id)))).orElse(Set.of());
    }

    void checkAtStart(@Observes StartupEvent start) {
        // the constructor has parsed everything: creating the bean is the check
    }

    public boolean enabled() {
        return rpId.isPresent();
    }

    /** 404 {@code not_found} while passkeys are off (docs/passkeys.md "Configuration"). */
    public void requireEnabled() {
        if (!enabled()) {
            throw Problems.notFound();
        }
    }

    public String id() {
        return rpId.orElseThrow();
    }

    public String name() {
        return rpName;
    }

    WebAuthnManager manager() {
        return manager;
    }

    /** What a response is checked against: our origins, our RP ID, and the flow's challenge. */
    ServerProperty serverProperty(byte[] challenge) {
        return new ServerProperty(origins, id(), new DefaultChallenge(challenge));
    }

    /**
     * A web origin must be the RP ID's host or one under it, as browsers require (WebAuthn Level 3 §5.1.3
     * step 7), and HTTPS unless it is localhost: a mistyped origin stops the start instead of every ceremony.
     */
    private static void webOrigin(String rpId, String origin) {
        Origin parsed = new Origin(origin);
        String host = parsed.getHost() == null ? "" : parsed.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals(rpId) && !host.endsWith("." + rpId)) {
            throw new IllegalArgumentException("gatehouse.passkeys.origins: " + origin + " is not on the RP ID "
                    + rpId + " (gatehouse.passkeys.rp-id) or a host under it");
        }
        boolean local = host.equals("localhost") || host.endsWith(".localhost");
        if (!"https".equals(parsed.getScheme()) && !local) {
            throw new IllegalArgumentException("gatehouse.passkeys.origins: " + origin + " must be https (plain http only on localhost)");
        }
    }

    private static Set<Origin> origins(String rpId, List<String> configured) {
        Set<Origin> parsed = new LinkedHashSet<>();
        for (String value : configured) {
            String origin = value.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (origin.startsWith(ANDROID_ORIGIN)) {
                // base64url of a SHA-256 (32 bytes), without padding: what Android's Credential Manager sends
                String hash = origin.substring(ANDROID_ORIGIN.length());
                if (!hash.matches("[A-Za-z0-9_-]{43}")) {
                    throw new IllegalArgumentException("gatehouse.passkeys.origins: an android:apk-key-hash: origin "
                            + "needs the unpadded base64url SHA-256 of the signing certificate (43 characters): " + origin);
                }
            } else if (!origin.matches("https?://[^/?#\\s]+")) {
                throw new IllegalArgumentException("gatehouse.passkeys.origins: not an origin (scheme://host[:port], "
                        + "no path): " + origin);
            } else {
                webOrigin(rpId, origin);
            }
            parsed.add(new Origin(origin));
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("gatehouse.passkeys.origins: no origin");
        }
        return Set.copyOf(parsed);
    }
}
