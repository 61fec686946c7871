package dev.gatehouse.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Date;
import java.util.UUID;

/** Signs DPoP proofs (RFC 9449 §4.2) with Nimbus JOSE+JWT, one per request, with the {@link DpopKeys}' key. */
final class DpopProofs {

    private static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

    private final DpopKeys keys;

    DpopProofs(DpopKeys keys) {
        this.keys = keys;
    }

    /** A fresh proof for {@code method} on {@code url} (its query left out). */
    String proof(String method, HttpUrl url) throws IOException {
        KeyPair pair = keys.keyPair();
        if (!(pair.getPublic() instanceof ECPublicKey publicKey)) {
            throw new IOException("DpopKeys must give a P-256 (EC) key pair");
        }
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE)
                .jwk(new ECKey.Builder(Curve.P_256, publicKey).build()).build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
                .claim("htm", method).claim("htu", url.newBuilder().query(null).fragment(null).build().toString())
                .issueTime(new Date()).build();
        SignedJWT proof = new SignedJWT(header, claims);
        try {
            // The private key may be opaque (Android Keystore): the signer asks the provider to sign, never reads it.
            proof.sign(new ECDSASigner(pair.getPrivate(), Curve.P_256));
        } catch (JOSEException e) {
            throw new IOException("the DPoP proof could not be signed", e);
        }
        return proof.serialize();
    }
}
