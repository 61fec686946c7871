package dev.gatehouse.onetime;

import dev.gatehouse.keys.ServerSecret;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The link token and the code of a one-time secret, derived from its stored random seed with
 * HMAC-SHA256 under {@code gatehouse.secret} (docs/mail.md "No secret at rest"): the outbox and the
 * secrets table hold only the seed and the token's SHA-256, so a reader of the database alone can use
 * neither, nor try the 10^6 codes offline. A secret issued before a rotation of {@code gatehouse.secret}
 * is opened with whichever accepted secret reproduces its token hash.
 */
@Singleton
class SecretDerivation {

    static final String TOKEN_PREFIX = "gatehouse_ot_";
    /** The prefix and 32 bytes in unpadded base64url. */
    private static final Pattern TOKEN = Pattern.compile("gatehouse_ot_[A-Za-z0-9_-]{43}");
    private static final byte[] TOKEN_LABEL = "gatehouse one-time token v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CODE_LABEL = "gatehouse one-time code v1".getBytes(StandardCharsets.US_ASCII);

    private final ServerSecret secret;

    SecretDerivation(ServerSecret secret) {
        this.secret = secret;
    }

    /** The token and the code of one secret. */
    record Derived(String token, String code) {
        @Override
        public String toString() {
            return "Derived[redacted]";
        }
    }

    /** With the current server secret: for a secret being issued. */
    Derived derive(byte[] seed, Purpose purpose) {
        return derive(secret.current(), seed, purpose);
    }

    /** With the accepted server secret that issued it; empty when none reproduces its token hash. */
    Optional<Derived> open(OneTimeSecret stored) {
        Purpose purpose = OneTimeSecrets.purposeOf(stored);
        for (byte[] key : secret.accepted()) {
            Derived derived = derive(key, stored.seed, purpose);
            if (MessageDigest.isEqual(hash(derived.token()), stored.tokenHash)) {
                return Optional.of(derived);
            }
        }
        return Optional.empty();
    }

    /** Cheap shape check before any database work: the prefix and exactly 43 base64url characters. */
    static boolean looksValid(String token) {
        return token != null && TOKEN.matcher(token).matches();
    }

    static byte[] hash(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Derived derive(byte[] key, byte[] seed, Purpose purpose) {
        byte[] token = hmac(key, TOKEN_LABEL, purpose, seed);
        // 64 bits reduced mod 10^6: the bias is below 10^-13, nothing an attacker can use
        long bits = ByteBuffer.wrap(hmac(key, CODE_LABEL, purpose, seed), 0, Long.BYTES).getLong();
        String code = String.format("%06d", Long.remainderUnsigned(bits, 1_000_000));
        return new Derived(TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token), code);
    }

    private static byte[] hmac(byte[] key, byte[] label, Purpose purpose, byte[] seed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label);
            mac.update((byte) 0);
            mac.update(purpose.value().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return mac.doFinal(seed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
