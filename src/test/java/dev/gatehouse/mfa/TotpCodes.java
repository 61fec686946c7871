package dev.gatehouse.mfa;

import org.apache.commons.codec.binary.Base32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * What an authenticator app computes from the set-up's base32 secret: RFC 6238 with HMAC-SHA1, 6 digits, 30 s,
 * written out here from RFC 4226 §5.3 so that the service's codes (from a library) are checked against a second,
 * independent computation.
 */
public final class TotpCodes {

    private TotpCodes() {
    }

    public static long stepAt(Instant instant) {
        return Math.floorDiv(instant.getEpochSecond(), 30);
    }

    public static String at(String base32Secret, Instant instant) {
        return forStep(base32Secret, stepAt(instant));
    }

    public static String forStep(String base32Secret, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(new Base32().decode(base32Secret), "HmacSHA1"));
            byte[] hmac = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hmac[hmac.length - 1] & 0x0f; // RFC 4226 §5.3 dynamic truncation
            int binary = (hmac[offset] & 0x7f) << 24 | (hmac[offset + 1] & 0xff) << 16 | (hmac[offset + 2] & 0xff) << 8
                    | (hmac[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A code of the same step that is surely wrong. */
    public static String wrong(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }
}
