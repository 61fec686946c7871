package dev.gatehouse.client;

import java.io.IOException;
import java.security.KeyPair;

/**
 * The device key that DPoP proofs are signed with (docs/dpop.md): with one set on the builder
 * ({@link GatehouseAuth.Builder#dpop}), every sign-in, refresh and logout carries a proof, and Gatehouse binds
 * the session's refresh tokens to this key. A refresh token copied off the device is then useless without it.
 *
 * <p>An ECDSA P-256 key pair whose private key should never leave the device. {@link #inMemory()} keeps one in
 * this process (a restarted app signs in again); on Android, keep it in the Android Keystore, where the private
 * key lives in secure hardware and cannot be read out (README "Device-bound refresh tokens").
 */
public interface DpopKeys {

    /** The key pair, made on first use and the same until {@link #reset()}. Called for every proof: keep it cheap. */
    KeyPair keyPair() throws IOException;

    /** The session ended: drop the key, so that the next sign-in gets a new one. */
    void reset() throws IOException;

    /** A P-256 key pair held in memory (JCA), made on first use. */
    static DpopKeys inMemory() {
        return new MemoryDpopKeys();
    }
}
