package dev.gatehouse.dpop;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.dpop.DpopMetrics.Reason;
import dev.gatehouse.problem.Problems;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.JoseException;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verifies DPoP proofs (RFC 9449 §4.3) with jose4j (docs/dpop.md "What a proof must be"). A request's proof
 * is only read here ({@link #presented}); it is verified where a key matters: at a sign-in, and at a refresh or
 * logout once the token has been found to belong to a bound session. Nothing of a proof is ever logged.
 */
@Singleton
public class DpopProofs {

    public static final String HEADER = "DPoP";
    /** A P-256 proof is about 600 characters, one with a 4096-bit RSA key about 2,000. */
    static final int MAX_LENGTH = 4096;
    static final int MAX_JTI = 256;
    private static final String TYPE = "dpop+jwt";
    private static final AlgorithmConstraints ALGORITHMS = new AlgorithmConstraints(
            AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
            AlgorithmIdentifiers.EDDSA, AlgorithmIdentifiers.RSA_USING_SHA256);
    /** A public key only: a {@code jwk} with any private member is refused rather than trusted to be ignored. */
    private static final Set<String> PRIVATE_MEMBERS = Set.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
    /**
     * RSA keys are held to what key generators make: a 2048 to 4096-bit modulus and the exponent 65537. A
     * huge exponent would make each verification cost milliseconds of the server's CPU.
     */
    private static final int RSA_MIN_BITS = 2048;
    private static final int RSA_MAX_BITS = 4096;
    private static final BigInteger RSA_EXPONENT = BigInteger.valueOf(65537);
    private static final Logger LOG = Logger.getLogger(DpopProofs.class);

    /** What a request presents: its proof headers and the method and URL a proof must name. Not verified yet. */
    public record Presented(List<String> proofs, String method, String url) {

        boolean absent() {
            return proofs.isEmpty();
        }
    }

    private final String publicBase;
    private final Duration maxAge;
    private final Duration clockSkew;
    private final boolean required;
    private final DpopMetrics metrics;
    private final Clock clock;

    DpopProofs(GatehouseConfig config, DpopMetrics metrics, Clock clock) {
        this.publicBase = config.http().publicBaseUrl().map(DpopProofs::checkedBase).orElse(null);
        this.maxAge = config.dpop().maxAge();
        this.clockSkew = config.jwt().clockSkew();
        this.required = config.dpop().required();
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * The URL a proof must name: {@code gatehouse.http.public-base-url} and the request's path; without it, the
     * URL the request reached as Vert.x saw it (docs/dpop.md "The URL a proof names"). Never a forwarding header.
     */
    public Presented presented(HttpServerRequest http) {
        List<String> proofs = http.headers().getAll(HEADER);
        String url;
        if (publicBase != null) {
            url = publicBase + http.path();
        } else {
            try {
                url = http.absoluteURI();
            } catch (RuntimeException e) {
                url = null; // a Host header that is no host: no proof can name it
            }
        }
        return new Presented(proofs, http.method().name(), url);
    }

    /**
     * A sign-in's proof: its key binds the new session. No proof: null, or 401 when {@code gatehouse.dpop.required}.
     * An invalid proof is 401 whether or not proofs are required.
     */
    public DpopProof forSignIn(Presented presented) {
        if (presented.absent()) {
            if (required) {
                metrics.rejected(Reason.MISSING);
                throw Problems.invalidDpopProof();
            }
            return null;
        }
        DpopProof proof = verify(presented);
        if (proof == null) {
            throw Problems.invalidDpopProof();
        }
        return proof;
    }

    /** A proof from the bound key {@code thumbprint} (a refresh or logout of a bound session), or null (counted). */
    public DpopProof forKey(Presented presented, String thumbprint) {
        if (presented.absent()) {
            metrics.rejected(Reason.MISSING);
            return null;
        }
        DpopProof proof = verify(presented);
        if (proof != null && !proof.thumbprint().equals(thumbprint)) {
            metrics.rejected(Reason.WRONG_KEY);
            return null;
        }
        return proof;
    }

    private DpopProof verify(Presented presented) {
        try {
            return check(presented);
        } catch (Refusal refusal) {
            LOG.debugf("DPoP proof refused: %s", refusal.reason);
            metrics.rejected(refusal.reason);
            return null;
        }
    }

    private DpopProof check(Presented presented) throws Refusal {
        // RFC 9449 §4.3: exactly one DPoP header, one JWS
        if (presented.proofs().size() != 1 || presented.proofs().get(0).length() > MAX_LENGTH) {
            throw new Refusal(Reason.MALFORMED);
        }
        try {
            JsonWebSignature jws = parse(presented.proofs().get(0));
            if (!TYPE.equals(jws.getHeaders().getObjectHeaderValue("typ"))
                    || jws.getHeaders().getObjectHeaderValue("crit") != null
                    || jws.getHeaders().getObjectHeaderValue("b64") != null
                    || !(jws.getHeaders().getObjectHeaderValue("jwk") instanceof Map<?, ?> jwk)
                    || PRIVATE_MEMBERS.stream().anyMatch(jwk::containsKey)) {
                throw new Refusal(Reason.MALFORMED);
            }
            PublicJsonWebKey key = jws.getJwkHeader();
            if (key == null || key.getPrivateKey() != null || !fits(jws.getAlgorithmHeaderValue(), key)) {
                throw new Refusal(Reason.MALFORMED);
            }
            jws.setKey(key.getPublicKey());
            if (!jws.verifySignature()) {
                throw new Refusal(Reason.SIGNATURE);
            }
            JwtClaims claims = claims(jws);
            if (!presented.method().equals(claims.getClaimValue("htm"))
                    || !(claims.getClaimValue("htu") instanceof String htu) || !sameUrl(htu, presented.url())) {
                throw new Refusal(Reason.TARGET);
            }
            long iat = ((Number) claims.getClaimValue("iat")).longValue();
            Instant now = clock.instant();
            if (iat > now.plus(clockSkew).getEpochSecond() || iat < now.minus(maxAge).getEpochSecond()) {
                throw new Refusal(Reason.IAT);
            }
            String thumbprint = key.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
            // kept until no instance, with a clock up to the skew behind or ahead of ours, would still take it
            Instant keepUntil = Instant.ofEpochSecond(iat).plus(maxAge).plus(clockSkew).plus(clockSkew);
            return new DpopProof(thumbprint, hash(thumbprint, (String) claims.getClaimValue("jti")), keepUntil);
        } catch (JoseException | RuntimeException e) {
            // jose4j's parser meets every hostile input first: whatever it throws is a malformed proof
            throw new Refusal(Reason.MALFORMED);
        }
    }

    /** Why a proof was refused: no stack trace, it is an answer, not an error. */
    private static final class Refusal extends Exception {
        private final Reason reason;

        Refusal(Reason reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }

    private static JsonWebSignature parse(String compact) throws JoseException {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmConstraints(ALGORITHMS);
        jws.setCompactSerialization(compact);
        return jws;
    }

    /** The claims a proof must carry, with their types (read after the signature verified). */
    private static JwtClaims claims(JsonWebSignature jws) throws Refusal {
        JwtClaims claims;
        try {
            claims = JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (Exception e) {
            throw new Refusal(Reason.MALFORMED);
        }
        if (!(claims.getClaimValue("jti") instanceof String jti) || jti.isEmpty() || jti.length() > MAX_JTI
                || !(claims.getClaimValue("htm") instanceof String)
                || !(claims.getClaimValue("iat") instanceof Number iat) || !Double.isFinite(iat.doubleValue())) {
            throw new Refusal(Reason.MALFORMED);
        }
        return claims;
    }

    /** The key's type and size match the algorithm: P-256 for ES256, Ed25519 for EdDSA, RSA as above for RS256. */
    private static boolean fits(String alg, PublicJsonWebKey key) {
        return switch (alg) {
            case AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256 -> key instanceof EllipticCurveJsonWebKey ec
                    && EllipticCurves.P256.equals(ec.getECPublicKey().getParams());
            case AlgorithmIdentifiers.EDDSA -> key instanceof OctetKeyPairJsonWebKey okp
                    && OctetKeyPairJsonWebKey.SUBTYPE_ED25519.equals(okp.getSubtype());
            case AlgorithmIdentifiers.RSA_USING_SHA256 -> key instanceof RsaJsonWebKey rsa
                    && rsa.getPublicKey() instanceof RSAPublicKey pub
                    && pub.getModulus().bitLength() >= RSA_MIN_BITS && pub.getModulus().bitLength() <= RSA_MAX_BITS
                    && RSA_EXPONENT.equals(pub.getPublicExponent());
            default -> false;
        };
    }

    /**
     * RFC 9449 §4.3 point 9 with RFC 3986 §6.2.2 and §6.2.3: scheme and host compared without case, a default
     * port the same as none, an empty path as "/"; query and fragment ignored. A URL without scheme or host
     * matches nothing.
     */
    static boolean sameUrl(String claimed, String expected) {
        String a = normalized(claimed);
        return a != null && a.equals(normalized(expected));
    }

    static String normalized(String url) {
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!("https".equals(scheme) || "http".equals(scheme)) || host == null || host.isEmpty()
                || uri.getRawUserInfo() != null) {
            return null;
        }
        int port = uri.getPort();
        if (port == ("https".equals(scheme) ? 443 : 80)) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path;
    }

    /** {@code gatehouse.http.public-base-url}, checked at start: an absolute http(s) URL with a host, and nothing after its path. */
    static String checkedBase(String configured) {
        String base = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("gatehouse.http.public-base-url is not a URL");
        }
        if (normalized(base) == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "gatehouse.http.public-base-url must be an http or https URL with a host, without user, query or fragment");
        }
        return base;
    }

    private static byte[] hash(String thumbprint, String jti) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(thumbprint.getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) '.');
            return sha256.digest(jti.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
