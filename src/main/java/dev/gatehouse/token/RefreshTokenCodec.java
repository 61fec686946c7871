package dev.gatehouse.token;

import jakarta.inject.Singleton;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The refresh token format (docs/tokens.md "Refresh token format"): {@code gatehouse_rt_} and 32
 * random bytes in unpadded base64url; only SHA-256 hashes are stored. And the sealed successor
 * (docs/tokens.md "Sealed successor"): a rotated token's successor, encrypted under a key that
 * only the rotated token itself yields, so that a retry inside the reuse window gets the same
 * successor on any instance while the database and the server's secrets yield nothing.
 */
@Singleton
public class RefreshTokenCodec {

    /** Not GitHub's {@code ghr_}: secret scanners must tell Gatehouse's tokens apart (docs/threat-model.md "Secret scanning"). */
    static final String PREFIX = "gatehouse_rt_";
    static final int TOKEN_BYTES = 32;
    private static final int TOKEN_LENGTH = PREFIX.length() + 43;
    private static final Pattern FORMAT = Pattern.compile("gatehouse_rt_[A-Za-z0-9_-]{43}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /*
     * Seal format, version 2: version byte, 96-bit random nonce, AES-256-GCM ciphertext of the
     * successor's 32 random bytes with its 128-bit tag. Key: HKDF-SHA256 (RFC 5869) with the
     * presented token's UTF-8 bytes as input keying material, an empty salt and the info below.
     * Associated data: the session id as 16 bytes (big-endian, most significant half first) and
     * SHA-256 of the presented token: a sealed value opens only on the row it was written to.
     */
    static final byte SEAL_VERSION = 2;
    static final String SEAL_INFO = "gatehouse successor v2";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    static final int SEALED_LENGTH = 1 + NONCE_BYTES + TOKEN_BYTES + TAG_BITS / 8;

    private final SecureRandom random = new SecureRandom();

    /** A fresh token from the CSPRNG: a session's first token and every successor (no token derives from another). */
    public String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return PREFIX + BASE64URL.encodeToString(bytes);
    }

    /** Cheap shape check before any database work; a token of the wrong shape is simply unknown. */
    public boolean looksValid(String token) {
        return token != null && token.length() == TOKEN_LENGTH && FORMAT.matcher(token).matches();
    }

    /** The only form in which a refresh token is stored. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** docs/tokens.md "Sealed successor": {@code successor} sealed for the row of {@code token} in session {@code sessionId}. */
    byte[] seal(String token, String successor, UUID sessionId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plain = Base64.getUrlDecoder().decode(successor.substring(PREFIX.length()));
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, token, nonce, sessionId);
            byte[] sealed = new byte[SEALED_LENGTH];
            sealed[0] = SEAL_VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * Opens what {@link #seal} wrote for {@code token}; null when it does not open (another version,
     * another length, or a tag that does not verify: another token, row or session). Never says why.
     */
    String unseal(String token, UUID sessionId, byte[] sealed) {
        if (sealed == null || sealed.length != SEALED_LENGTH || sealed[0] != SEAL_VERSION) {
            return null;
        }
        byte[] nonce = Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, token, nonce, sessionId);
            byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            try {
                return PREFIX + BASE64URL.encodeToString(plain);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private static Cipher cipher(int mode, String token, byte[] nonce, UUID sessionId) throws GeneralSecurityException {
        byte[] key = sealKey(token);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(token, sessionId));
            return cipher;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** HKDF-SHA256 (RFC 5869 §2): IKM = the token's UTF-8 bytes, empty salt, info {@value #SEAL_INFO}, 32 bytes. */
    static byte[] sealKey(String token) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(token.getBytes(StandardCharsets.UTF_8), new byte[0],
                SEAL_INFO.getBytes(StandardCharsets.US_ASCII)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    /** sid (16 bytes) followed by SHA-256 of the token (32 bytes): fixed lengths, so the concatenation is unambiguous. */
    static byte[] associatedData(String token, UUID sessionId) {
        return ByteBuffer.allocate(16 + 32).putLong(sessionId.getMostSignificantBits())
                .putLong(sessionId.getLeastSignificantBits()).put(hash(token)).array();
    }
}
