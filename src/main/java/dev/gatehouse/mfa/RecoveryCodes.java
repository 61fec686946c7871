package dev.gatehouse.mfa;

import dev.gatehouse.keys.ServerSecret;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Recovery codes (docs/mfa.md "Recovery codes"): ten single-use codes {@code xxxxx-xxxxx} of lower-case base32,
 * 50 random bits each, stored only as HMAC-SHA256 under a key derived from {@code gatehouse.secret} and bound
 * to the user: a reader of the database alone cannot test candidates offline.
 */
@Singleton
class RecoveryCodes {

    static final int COUNT = 10;
    private static final int LENGTH = 10;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray(); // RFC 4648 §6, lower case
    private static final byte[] HASH_INFO = "gatehouse recovery code v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The hash keys of every accepted server secret, the current one first. */
    private final List<byte[]> keys;

    RecoveryCodes(ServerSecret serverSecret) {
        this.keys = serverSecret.accepted().stream().map(s -> TotpSecretSeal.hkdf(s, HASH_INFO, 32)).toList();
    }

    /** A new set for the user, replacing every code it had; returns the codes, the only time they are seen. */
    List<String> replace(UUID userId) {
        RecoveryCode.delete("userId", userId);
        List<String> codes = new ArrayList<>(COUNT);
        for (int i = 0; i < COUNT; i++) {
            char[] code = new char[LENGTH];
            for (int j = 0; j < LENGTH; j++) {
                code[j] = ALPHABET[RANDOM.nextInt(ALPHABET.length)]; // 32 symbols: uniform, no modulo bias
            }
            String canonical = new String(code);
            RecoveryCode stored = new RecoveryCode();
            stored.id = UUID.randomUUID();
            stored.userId = userId;
            stored.codeHash = hash(keys.get(0), userId, canonical);
            stored.persist();
            codes.add(canonical.substring(0, 5) + "-" + canonical.substring(5));
        }
        return codes;
    }

    /**
     * Uses one of the user's unused codes, in the caller's transaction: true if {@code presented} is one and
     * no parallel request used it first. Every unused code is compared, in constant time.
     */
    boolean use(UUID userId, String presented, Instant now) {
        String canonical = canonical(presented);
        if (canonical == null) {
            return false;
        }
        List<byte[]> candidates = keys.stream().map(key -> hash(key, userId, canonical)).toList();
        UUID matched = null;
        for (RecoveryCode code : RecoveryCode.unusedOf(userId)) {
            for (byte[] candidate : candidates) {
                if (MessageDigest.isEqual(candidate, code.codeHash)) {
                    matched = code.id;
                }
            }
        }
        return matched != null && RecoveryCode.use(matched, now);
    }

    /** Lower case, without the hyphen and spaces a user may type; null unless ten base32 characters remain. */
    private static String canonical(String presented) {
        if (presented == null || presented.length() > 64) {
            return null;
        }
        String code = presented.replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (code.length() != LENGTH) {
            return null;
        }
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '2' && c <= '7')) {
                return null;
            }
        }
        return code;
    }

    private static byte[] hash(byte[] key, UUID userId, String canonical) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(16).putLong(userId.getMostSignificantBits())
                    .putLong(userId.getLeastSignificantBits()).array());
            return mac.doFinal(canonical.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
