package dev.gatehouse.keys;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.configuration.ConfigUtils;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectParser;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The signing keys of {@code gatehouse.jwt.signing-key-files} (docs/operations.md "Key files"): the first signs, all are
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

    /** Validation accepts exactly the algorithms of the published keys (docs/tokens.md "Validation"). */
    public Set<SignatureAlgorithm> algorithms() {
        EnumSet<SignatureAlgorithm> algorithms = EnumSet.noneOf(SignatureAlgorithm.class);
        keys.forEach(k -> algorithms.add(k.algorithm()));
        return algorithms;
    }

    /** The public JWK Set, precomputed: it changes only with a restart. */
    public String jwksJson() {
        return jwksJson;
    }

    static SigningKey load(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(PROPERTY + ": cannot read key file " + file, e);
        }
        PrivateKeyInfo key = privateKey(pem, file);
        try {
            return fromPrivateKeyInfo(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The exception text never contains key material; only the file name is named.
            throw new IllegalStateException(PROPERTY + ": " + file
                    + " is not an RSA (2048 bits or more) or EC P-256 private key", e);
        }
    }

    /**
     * The one unencrypted private key of a PEM file (RFC 7468): PKCS#8 {@code PRIVATE KEY}, or the
     * traditional OpenSSL {@code RSA PRIVATE KEY} (PKCS#1) and {@code EC PRIVATE KEY} (RFC 5915).
     * Other PEM objects beside it (a certificate, {@code EC PARAMETERS}) are skipped; an encrypted
     * key, a file without a private key or with two stops the start.
     */
    private static PrivateKeyInfo privateKey(String pem, Path file) {
        List<PemEntry> entries;
        try (KeyFileParser parser = new KeyFileParser(pem)) {
            entries = parser.readAll();
        } catch (IOException | RuntimeException e) {
            // PEMException (ASN.1 inside), DecoderException (base64), IllegalArgumentException (ASN.1)
            throw new IllegalStateException(PROPERTY + ": " + file + " is not a readable PEM file", e);
        }
        List<PrivateKeyInfo> keys = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (PemEntry entry : entries) {
            Object parsed = entry.parsed();
            if (parsed instanceof PKCS8EncryptedPrivateKeyInfo || parsed instanceof PEMEncryptedKeyPair) {
                throw new IllegalStateException(PROPERTY + ": " + file + " holds an encrypted private key ("
                        + entry.pem().getType() + "); Gatehouse reads unencrypted keys: decrypt it, e.g. with 'openssl pkey'");
            } else if (parsed instanceof PrivateKeyInfo info) {
                keys.add(info);
            } else if (parsed instanceof PEMKeyPair pair) {
                keys.add(pair.getPrivateKeyInfo());
            } else {
                others.add(entry.pem().getType());
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(PROPERTY + ": " + file + " holds no private key"
                    + (others.isEmpty() ? "" : " (found " + String.join(", ", others) + ")")
                    + "; expected '-----BEGIN " + PKCS8_PEM_LABEL + "-----' (PKCS#8, e.g. from 'openssl genpkey')");
        }
        if (keys.size() > 1) {
            throw new IllegalStateException(PROPERTY + ": " + file + " holds " + keys.size()
                    + " private keys; give each key its own file");
        }
        return keys.get(0);
    }

    private record PemEntry(PemObject pem, Object parsed) {
    }

    /**
     * Bouncy Castle's PEMParser, keeping each PEM object (for its type, named in messages) beside what
     * the parser makes of it; {@code parsed} is null for a type the parser does not know, where
     * {@code readObject} would throw: such objects are skipped.
     */
    private static final class KeyFileParser extends PEMParser {

        KeyFileParser(String pem) {
            super(new StringReader(pem));
        }

        List<PemEntry> readAll() throws IOException {
            List<PemEntry> entries = new ArrayList<>();
            for (PemObject pem = readPemObject(); pem != null; pem = readPemObject()) {
                PemObjectParser parser = (PemObjectParser) parsers.get(pem.getType());
                entries.add(new PemEntry(pem, parser == null ? null : parser.parseObject(pem)));
            }
            return entries;
        }
    }

    /** A key from PKCS#8 DER (tests, and the same checks as a key file). */
    static SigningKey fromPkcs8(byte[] der) throws GeneralSecurityException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new InvalidKeySpecException("not a PKCS#8 PrivateKeyInfo", e);
        }
        return fromPrivateKeyInfo(info);
    }

    private static SigningKey fromPrivateKeyInfo(PrivateKeyInfo info) throws GeneralSecurityException {
        PrivateKey privateKey;
        try {
            // No provider set: the JDK's KeyFactory, no Bouncy Castle provider to register (native image).
            privateKey = new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException e) {
            throw new InvalidKeySpecException("not a private key the JDK reads", e);
        }
        // "RSA" also keeps out RSASSA-PSS keys, which are RSAPrivateCrtKeys too but not for RS256.
        if ("RSA".equals(privateKey.getAlgorithm()) && privateKey instanceof RSAPrivateCrtKey rsa) {
            if (rsa.getModulus().bitLength() < 2048) {
                throw new GeneralSecurityException("RSA keys must have at least 2048 bits");
            }
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return withThumbprint(SignatureAlgorithm.RS256, privateKey, publicKey);
        }
        if ("EC".equals(privateKey.getAlgorithm()) && privateKey instanceof ECPrivateKey ec) {
            if (!isP256(ec.getParams())) {
                throw new GeneralSecurityException("only EC keys on P-256 are supported");
            }
            // PKCS#8 need not carry the public point: recompute it as d·G on P-256.
            X9ECParameters p256 = ECNamedCurveTable.getByName("secp256r1");
            ECPoint q = p256.getG().multiply(ec.getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
            return withThumbprint(SignatureAlgorithm.ES256, privateKey, publicKey);
        }
        throw new GeneralSecurityException("only RSA and EC P-256 keys are supported, not " + privateKey.getAlgorithm());
    }

    /** The curve itself, not only its size: secp256k1 also has a 256-bit field. */
    private static boolean isP256(ECParameterSpec params) throws GeneralSecurityException {
        AlgorithmParameters named = AlgorithmParameters.getInstance("EC");
        named.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = named.getParameterSpec(ECParameterSpec.class);
        return params.getCurve().equals(p256.getCurve()) && params.getGenerator().equals(p256.getGenerator())
                && params.getOrder().equals(p256.getOrder()) && params.getCofactor() == p256.getCofactor();
    }

    private static SigningKey ephemeralKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return withThumbprint(SignatureAlgorithm.RS256, pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an ephemeral RSA key", e);
        }
    }

    private static SigningKey withThumbprint(SignatureAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey)
            throws GeneralSecurityException {
        try {
            // kid = RFC 7638 JWK thumbprint, SHA-256, unpadded base64url (docs/tokens.md "Signing algorithm and kid").
            String kid = PublicJsonWebKey.Factory.newPublicJwk(publicKey).calculateBase64urlEncodedThumbprint("SHA-256");
            return new SigningKey(kid, algorithm, privateKey, publicKey);
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
