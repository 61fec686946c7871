package dev.gatehouse.mfa;

import dev.gatehouse.keys.ServerSecret;
import jakarta.inject.Inject;
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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Seals TOTP secrets at rest (docs/mfa.md "The secret at rest"): AES-256-GCM under a key derived from
 * {@code gatehouse.secret} with HKDF-SHA256 (RFC 5869), a random 96-bit nonce per seal, and the user id as
 * associated data, so a sealed secret copied onto another user's row does not open. A secret sealed under a
 * previous server secret opens while that one is in {@code gatehouse.previous-secrets}, and is sealed again under
 * the current one ({@link SecondFactor#resealStale}).
 */
@Singleton
class TotpSecretSeal {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] SEAL_INFO = "gatehouse totp seal v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_ID_INFO = "gatehouse totp key id v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key and its public fingerprint, stored beside what it sealed. */
    private record Key(byte[] key, byte[] id) {
    }

    /** A sealed secret and the id of the key that sealed it. */
    record Sealed(byte[] sealed, byte[] keyId) {
    }

    /** An opened secret; {@code stale} when a previous server secret sealed it. */
    record Opened(byte[] secret, boolean stale) {
        @Override
        public String toString() {
            return "Opened[redacted]";
        }
    }

    private final Key current;
    private final List<Key> accepted;

    @Inject
    TotpSecretSeal(ServerSecret serverSecret) {
        this(serverSecret.accepted());
    }

    /** The accepted server secrets, the current one first. */
    TotpSecretSeal(List<byte[]> acceptedSecrets) {
        List<Key> keys = new ArrayList<>();
        for (byte[] secret : acceptedSecrets) {
            keys.add(new Key(hkdf(secret, SEAL_INFO, 32), hkdf(secret, KEY_ID_INFO, 8)));
        }
        this.accepted = List.copyOf(keys);
        this.current = accepted.get(0);
    }

    /** The ids of the keys of {@code gatehouse.previous-secrets}: what a secret still to be sealed again carries. */
    List<byte[]> previousKeyIds() {
        return accepted.stream().skip(1).map(k -> k.id().clone()).toList();
    }

    Sealed seal(UUID userId, byte[] secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, current.key(), nonce, userId);
            byte[] ciphertext = cipher.doFinal(secret);
            return new Sealed(ByteBuffer.allocate(1 + NONCE_BYTES + ciphertext.length).put(VERSION).put(nonce)
                    .put(ciphertext).array(), current.id().clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Empty when no accepted key opens it (a secret that was dropped from the configuration, or a tampered row). */
    Optional<Opened> open(UUID userId, byte[] sealed, byte[] keyId) {
        if (sealed == null || sealed.length <= 1 + NONCE_BYTES || sealed[0] != VERSION) {
            return Optional.empty();
        }
        byte[] nonce = java.util.Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES);
        for (Key key : accepted) {
            if (!MessageDigest.isEqual(key.id(), keyId)) {
                continue;
            }
            try {
                byte[] secret = cipher(Cipher.DECRYPT_MODE, key.key(), nonce, userId)
                        .doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
                return Optional.of(new Opened(secret, key != current));
            } catch (AEADBadTagException e) {
                return Optional.empty();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            }
        }
        return Optional.empty();
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, UUID userId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(ByteBuffer.allocate(16).putLong(userId.getMostSignificantBits())
                .putLong(userId.getLeastSignificantBits()).array());
        return cipher;
    }

    /** HKDF-SHA256 (RFC 5869 §2): IKM = a server secret, empty salt, the purpose as info. */
    static byte[] hkdf(byte[] secret, byte[] info, int length) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, new byte[0], info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }
}
