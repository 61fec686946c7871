package dev.gatehouse.keys;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The signing keys of {@code gatehouse.jwt.signing-key-files} (SPEC §7): the first signs, all are
 * published in the JWKS and accepted for verification. In dev and test, with none configured, one
 * ephemeral RSA key is generated; in prod that stops the start, naming the property.
 */
@Startup // a missing or broken key must stop the start, not the first login
@Singleton
public class SigningKeys {

    static final String PROPERTY = "gatehouse.jwt.signing-key-files";
    /** RFC 7468 label of an unencrypted PKCS#8 private key. */
    private static final String PKCS8_PEM_LABEL = "PRIVATE KEY";
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final List<SigningKey> keys;
    private final String jwksJson;

    SigningKeys(GatehouseConfig config) {
        List<String> files = config.jwt().signingKeyFiles().orElse(List.of()).stream()
                .map(String::strip).filter(f -> !f.isEmpty()).toList();
        if (files.isEmpty()) {
            if (!ConfigUtils.isProfileActive("dev") && !ConfigUtils.isProfileActive("test")) {
                throw new IllegalStateException(PROPERTY + " is required: set it to one or more PEM (PKCS#8) private key files");
            }
            this.keys = List.of(ephemeralKey());
            LOG.infof("No %s configured: generated an ephemeral RSA signing key (kid %s); tokens will not survive a restart",
                    PROPERTY, keys.get(0).kid());
        } else {
            List<SigningKey> loaded = new ArrayList<>();
            for (String file : files) {
                loaded.add(load(Path.of(file)));
            }
            this.keys = List.copyOf(loaded);
            LOG.infof("Loaded %d signing key(s); signing with kid %s (%s)", keys.size(), keys.get(0).kid(),
                    keys.get(0).algorithm().getAlgorithm());
        }
        this.jwksJson = toJwks(keys);
    }

    /** The key that signs new tokens. */
    public SigningKey current() {
        return keys.get(0);
    }

    public List<SigningKey> all() {
        return keys;
    }

    /** Validation accepts exactly the algorithms of the published keys (SPEC §2). */
    public Set<SignatureAlgorithm> algorithms() {
        EnumSet<SignatureAlgorithm> algorithms = EnumSet.noneOf(SignatureAlgorithm.class);
        keys.forEach(k -> algorithms.add(k.algorithm()));
        return algorithms;
    }

    /** The public JWK Set, precomputed: it changes only with a restart. */
    public String jwksJson() {
        return jwksJson;
    }

    private static SigningKey load(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(PROPERTY + ": cannot read key file " + file, e);
        }
        byte[] der = decodePkcs8Pem(pem, file);
        try {
            return fromPkcs8(der);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The exception text never contains key material; only the file name is named.
            throw new IllegalStateException(PROPERTY + ": " + file + " is not an RSA or EC P-256 PKCS#8 private key", e);
        }
    }

    private static byte[] decodePkcs8Pem(String pem, Path file) {
        String begin = "-----BEGIN " + PKCS8_PEM_LABEL + "-----";
        String end = "-----END " + PKCS8_PEM_LABEL + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(PROPERTY + ": " + file
                    + " is not a PEM PKCS#8 private key (expected '" + begin + "'; convert with 'openssl pkcs8 -topk8 -nocrypt')");
        }
        String body = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PROPERTY + ": " + file + " has invalid base64 in its PEM body");
        }
    }

    static SigningKey fromPkcs8(byte[] der) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(spec);
            RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) privateKey;
            if (rsa.getModulus().bitLength() < 2048) {
                throw new GeneralSecurityException("RSA keys must have at least 2048 bits");
            }
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return withThumbprint(SignatureAlgorithm.RS256, privateKey, publicKey, der);
        } catch (java.security.spec.InvalidKeySpecException notRsa) {
            PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(spec);
            ECPrivateKey ec = (ECPrivateKey) privateKey;
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new GeneralSecurityException("only EC keys on P-256 are supported");
            }
            // PKCS#8 need not carry the public point: recompute it as d·G on P-256.
            X9ECParameters p256 = ECNamedCurveTable.getByName("secp256r1");
            ECPoint q = p256.getG().multiply(ec.getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
            return withThumbprint(SignatureAlgorithm.ES256, privateKey, publicKey, der);
        }
    }

    private static SigningKey ephemeralKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return withThumbprint(SignatureAlgorithm.RS256, pair.getPrivate(), pair.getPublic(),
                    pair.getPrivate().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an ephemeral RSA key", e);
        }
    }

    private static SigningKey withThumbprint(SignatureAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey,
                                             byte[] pkcs8) throws GeneralSecurityException {
        try {
            // SPEC §7: kid = RFC 7638 JWK thumbprint, SHA-256, unpadded base64url.
            String kid = PublicJsonWebKey.Factory.newPublicJwk(publicKey).calculateBase64urlEncodedThumbprint("SHA-256");
            return new SigningKey(kid, algorithm, privateKey, publicKey, pkcs8);
        } catch (JoseException e) {
            throw new GeneralSecurityException("cannot compute the key thumbprint", e);
        }
    }

    private static String toJwks(List<SigningKey> keys) {
        try {
            JsonWebKeySet set = new JsonWebKeySet();
            for (SigningKey key : keys) {
                PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key.publicKey());
                jwk.setKeyId(key.kid());
                jwk.setAlgorithm(key.algorithm().getAlgorithm());
                jwk.setUse("sig");
                set.addJsonWebKey(jwk);
            }
            return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot build the JWK Set", e);
        }
    }
}
