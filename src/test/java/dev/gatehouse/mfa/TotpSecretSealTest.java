package dev.gatehouse.mfa;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/mfa.md "The secret at rest": sealed per user, opened across a rotation of gatehouse.secret, never by a stranger key. */
class TotpSecretSealTest {

    private static final byte[] OLD = "an old server secret of 32 bytes".getBytes();
    private static final byte[] NEW = "a new server secret, 32 bytes ok".getBytes();
    private static final byte[] SECRET = "twenty bytes secret!".getBytes();

    @Test
    void opensWhatItSealedForThatUserOnly() {
        TotpSecretSeal seal = new TotpSecretSeal(List.of(NEW));
        UUID user = UUID.randomUUID();

        TotpSecretSeal.Sealed sealed = seal.seal(user, SECRET);

        assertArrayEquals(SECRET, seal.open(user, sealed.sealed(), sealed.keyId()).orElseThrow().secret());
        assertTrue(seal.open(UUID.randomUUID(), sealed.sealed(), sealed.keyId()).isEmpty(), "the user id is bound");
        byte[] tampered = sealed.sealed().clone();
        tampered[tampered.length - 1] ^= 1;
        assertTrue(seal.open(user, tampered, sealed.keyId()).isEmpty(), "the tag is checked");
        assertNotEquals(java.util.HexFormat.of().formatHex(seal.seal(user, SECRET).sealed()),
                java.util.HexFormat.of().formatHex(sealed.sealed()), "a fresh nonce each time");
    }

    @Test
    void aSecretSealedBeforeARotationOpensAsStaleUntilSealedAgain() {
        UUID user = UUID.randomUUID();
        TotpSecretSeal.Sealed underOld = new TotpSecretSeal(List.of(OLD)).seal(user, SECRET);
        TotpSecretSeal rotated = new TotpSecretSeal(List.of(NEW, OLD));

        TotpSecretSeal.Opened opened = rotated.open(user, underOld.sealed(), underOld.keyId()).orElseThrow();

        assertArrayEquals(SECRET, opened.secret());
        assertTrue(opened.stale());
        assertEquals(1, rotated.previousKeyIds().size());
        assertArrayEquals(underOld.keyId(), rotated.previousKeyIds().get(0));
        TotpSecretSeal.Sealed again = rotated.seal(user, opened.secret());
        assertFalse(rotated.open(user, again.sealed(), again.keyId()).orElseThrow().stale());
        // once the old secret is dropped, what it sealed no longer opens
        assertTrue(new TotpSecretSeal(List.of(NEW)).open(user, underOld.sealed(), underOld.keyId()).isEmpty());
    }
}
