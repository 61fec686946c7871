package dev.gatehouse.mfa;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import org.apache.commons.codec.binary.Base32;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * RFC 6238 time-based codes as every authenticator app computes them by default: HMAC-SHA1, 6 digits, 30 s
 * steps (the codes come from java-otp; this class holds only the acceptance rule of docs/mfa.md "Codes").
 */
final class Totp {

    static final Duration STEP = Duration.ofSeconds(30);
    static final int DIGITS = 6;
    static final int SECRET_BYTES = 20; // RFC 4226 §4 R6: 160 bits, the HMAC-SHA1 output length

    private Totp() {
    }

    /** RFC 6238 §4.2: T = floor((now - T0) / X), with T0 = 0 and X = 30 s. */
    static long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), STEP.getSeconds());
    }

    /** RFC 4648 §6 base32 without padding, as authenticator apps expect in the {@code secret} parameter. */
    static String base32(byte[] secret) {
        return new Base32().encodeAsString(secret).replace("=", "");
    }

    /**
     * The step whose code this is, among the previous, current and next step (RFC 6238 §5.2: one step of
     * clock drift either way), and only if it is newer than {@code lastUsed}; empty otherwise. All three codes
     * are computed and compared in constant time, whatever matches.
     */
    static OptionalLong match(byte[] secret, String code, Instant now, Long lastUsed) {
        String presented = normalize(code);
        if (presented == null) {
            return OptionalLong.empty();
        }
        long current = stepAt(now);
        long matched = Long.MIN_VALUE;
        for (long step = current - 1; step <= current + 1; step++) {
            boolean equal = MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.US_ASCII));
            if (equal && (lastUsed == null || step > lastUsed)) {
                matched = step;
            }
        }
        return matched == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    static String code(byte[] secret, long step) {
        TimeBasedOneTimePasswordGenerator totp = new TimeBasedOneTimePasswordGenerator(STEP, DIGITS,
                TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1);
        try {
            return totp.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"),
                    Instant.ofEpochSecond(step * STEP.getSeconds()), Locale.ROOT);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Six ASCII digits, with the spaces an app shows in the middle allowed; null for anything else. */
    private static String normalize(String code) {
        if (code == null) {
            return null;
        }
        String digits = code.replace(" ", "");
        if (digits.length() != DIGITS) {
            return null;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return digits;
    }
}
