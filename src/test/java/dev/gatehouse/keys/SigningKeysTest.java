package dev.gatehouse.keys;

import dev.gatehouse.support.TestKeys;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SigningKeysTest {

    @Test
    void anRsaKeySignsRs256() throws Exception {
        KeyPair pair = TestKeys.rsa();
        SigningKey key = SigningKeys.fromPkcs8(pair.getPrivate().getEncoded());
        assertEquals(SignatureAlgorithm.RS256, key.algorithm());
        assertArrayEquals(pair.getPublic().getEncoded(), key.publicKey().getEncoded());
        assertEquals(PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256"),
                key.kid());
    }

    @Test
    void anEcP256KeySignsEs256AndItsPublicPointIsRecomputed() throws Exception {
        KeyPair pair = TestKeys.ecP256();
        SigningKey key = SigningKeys.fromPkcs8(pair.getPrivate().getEncoded());
        assertEquals(SignatureAlgorithm.ES256, key.algorithm());
        assertArrayEquals(pair.getPublic().getEncoded(), key.publicKey().getEncoded());
        assertEquals(43, key.kid().length());
    }

    @Test
    void weakOrUnsupportedKeysAreRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(rsa.generateKeyPair().getPrivate().getEncoded()));
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(ec.generateKeyPair().getPrivate().getEncoded()));
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(new byte[]{1, 2, 3}));
    }
}
