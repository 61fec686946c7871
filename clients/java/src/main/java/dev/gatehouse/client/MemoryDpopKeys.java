package dev.gatehouse.client;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** {@link DpopKeys#inMemory()}: a JCA P-256 key pair in this process. */
final class MemoryDpopKeys implements DpopKeys {

    private KeyPair keys;

    @Override
    public synchronized KeyPair keyPair() {
        if (keys == null) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                keys = generator.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no P-256 key pair generator", e);
            }
        }
        return keys;
    }

    @Override
    public synchronized void reset() {
        keys = null;
    }
}
