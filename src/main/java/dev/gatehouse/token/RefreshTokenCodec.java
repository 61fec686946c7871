package dev.gatehouse.token;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.keys.SigningKeys;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.jboss.logging.Logger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The refresh token format (docs/tokens.md "Refresh token format") and the successor derivation
 * (docs/tokens.md "Successor derivation"): {@code ghr_} and 32 bytes in unpadded base64url. Only SHA-256 hashes are stored; a successor is
 * HMAC-SHA256(secret, token) so that any instance can hand the same successor to a retry.
 */
@Startup // a missing or broken key must stop the start, not the first login
@Singleton
public class RefreshTokenCodec {

    static final String PREFIX = "ghr_";
    static final String HKDF_INFO = "gatehouse refresh-token successor v1";
    private static final Pattern FORMAT = Pattern.compile("ghr_[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Logger LOG = Logger.getLogger(RefreshTokenCodec.class);

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec successorKey;

    RefreshTokenCodec(GatehouseConfig config, SigningKeys keys) {
        this.successorKey = new SecretKeySpec(secret(config, keys), "HmacSHA256");
    }

    /** A fresh token for a new session, from the CSPRNG. */
    public String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + BASE64URL.encodeToString(bytes);
    }

    /** docs/tokens.md "Successor derivation": T' = ghr_ + base64url(HMAC-SHA256(secret, UTF-8 bytes of T)). */
    public String successorOf(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(successorKey);
            return PREFIX + BASE64URL.encodeToString(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Cheap shape check before any database work; a token of the wrong shape is simply unknown. */
    public boolean looksValid(String token) {
        return token != null && token.length() == 47 && FORMAT.matcher(token).matches();
    }

    /** The only form in which a refresh token is stored. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] secret(GatehouseConfig config, SigningKeys keys) {
        if (config.refreshToken().secret().isPresent()) {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(config.refreshToken().secret().get().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("gatehouse.refresh-token.secret is not valid base64");
            }
            if (secret.length < 32) {
                throw new IllegalStateException("gatehouse.refresh-token.secret must decode to at least 32 bytes");
            }
            return secret;
        }
        LOG.warn("gatehouse.refresh-token.secret is not set: deriving it from the first signing key. A key rotation"
                    + " then breaks refresh retries that straddle it; set the secret to keep them working.");
        // HKDF-SHA256 (RFC 5869) of the first key's PKCS#8 DER, empty salt, fixed info, 32 bytes
        // (docs/tokens.md "Successor derivation").
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(keys.current().pkcs8(), new byte[0], HKDF_INFO.getBytes(StandardCharsets.US_ASCII)));
        byte[] derived = new byte[32];
        hkdf.generateBytes(derived, 0, derived.length);
        return derived;
    }
}
