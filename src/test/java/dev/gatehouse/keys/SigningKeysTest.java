package dev.gatehouse.keys;

import dev.gatehouse.support.TestKeys;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.DLSet;
import org.bouncycastle.asn1.DLTaggedObject;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.jose4j.jwk.PublicJsonWebKey;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SigningKeysTest {

    /** RFC 7468 labels, built at run time: no key-looking literal in the repository. */
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1 = "RSA " + PKCS8;
    private static final String SEC1 = "EC " + PKCS8;

    @Test
    void anRsaKeySignsRs256() throws Exception {
        KeyPair pair = TestKeys.rsa();
        SigningKey key = SigningKeys.fromPkcs8(pair.getPrivate().getEncoded());
        assertEquals(SignatureAlgorithm.RS256, key.algorithm());
        assertArrayEquals(pair.getPublic().getEncoded(), key.publicKey().getEncoded());
        assertEquals(thumbprint(pair), key.kid());
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
        KeyPairGenerator pss = KeyPairGenerator.getInstance("RSASSA-PSS");
        pss.initialize(2048);
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(pss.generateKeyPair().getPrivate().getEncoded()));
        assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(new byte[]{1, 2, 3}));
    }

    @Test
    void aSecp256k1KeyIsNotP256ThoughItsFieldHas256Bits() throws Exception {
        // The JDK reads it; checking only the field size would publish a wrong "P-256" public key.
        PrivateKeyInfo k1 = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256k1),
                new ECPrivateKey(256, BigInteger.valueOf(20_260_814), null));
        GeneralSecurityException refused = assertThrows(GeneralSecurityException.class, () -> SigningKeys.fromPkcs8(k1.getEncoded()));
        assertEquals("only EC keys on P-256 are supported", refused.getMessage());
    }

    @Test
    void aPkcs8FileIsReadAsItsKey() throws Exception {
        for (KeyPair pair : List.of(TestKeys.rsa(), TestKeys.ecP256())) {
            SigningKey key = SigningKeys.load(TestKeys.writePem(pair));
            assertArrayEquals(pair.getPrivate().getEncoded(), key.privateKey().getEncoded());
            assertArrayEquals(pair.getPublic().getEncoded(), key.publicKey().getEncoded());
            assertEquals(thumbprint(pair), key.kid());
        }
    }

    @Test
    void aPkcs8FileWithUnsortedAttributesIsRead() throws Exception {
        // PKCS#8 attributes in an order DER would sort differently: still a valid key
        KeyPair pair = TestKeys.rsa();
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
        Attribute longer = new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DLSet(new DERBMPString("gatehouse signing key")));
        Attribute shorter = new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DLSet(new DEROctetString(new byte[]{1})));
        byte[] unsorted = new DLSequence(new ASN1Encodable[] {new ASN1Integer(0), info.getPrivateKeyAlgorithm(),
                info.getPrivateKey(), new DLTaggedObject(false, 0, new DLSet(new ASN1Encodable[] {longer, shorter}))}).getEncoded();
        assertFalse(Arrays.equals(unsorted, PrivateKeyInfo.getInstance(unsorted).getEncoded(ASN1Encoding.DER)), "BC re-encodes it");

        SigningKey key = SigningKeys.load(write(pem(PKCS8, unsorted)));
        assertEquals(thumbprint(pair), key.kid());
    }

    @Test
    void aKeyBesideACertificateAndTextIsRead() throws Exception {
        KeyPair pair = TestKeys.rsa();
        Path file = write("Bag Attributes\n    friendlyName: gatehouse\n" + pem(PKCS8, pair.getPrivate().getEncoded())
                + certificatePem(pair));
        assertEquals(thumbprint(pair), SigningKeys.load(file).kid());
    }

    @Test
    void aTraditionalRsaKeyIsReadAsItsPkcs8Form() throws Exception {
        KeyPair pair = TestKeys.rsa();
        SigningKey key = SigningKeys.load(write(pem(PKCS1, pkcs1(pair))));
        assertEquals(SignatureAlgorithm.RS256, key.algorithm());
        assertEquals(thumbprint(pair), key.kid());
        assertArrayEquals(pair.getPublic().getEncoded(), key.publicKey().getEncoded());
        // the same key as 'openssl pkcs8 -topk8 -nocrypt' of it
        assertArrayEquals(pair.getPrivate().getEncoded(), key.privateKey().getEncoded());
    }

    @Test
    void aTraditionalEcKeyAfterItsParametersIsReadWithTheSameKid() throws Exception {
        KeyPair pair = TestKeys.ecP256();
        // as 'openssl ecparam -name prime256v1 -genkey' writes it: EC PARAMETERS, then an RFC 5915 key
        // with its curve and public point
        BigInteger d = ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS();
        byte[] point = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getBytes();
        byte[] sec1 = new ECPrivateKey(256, d, new DERBitString(point), SECObjectIdentifiers.secp256r1).getEncoded();
        Path file = write(pem("EC PARAMETERS", SECObjectIdentifiers.secp256r1.getEncoded()) + pem(SEC1, sec1));

        SigningKey key = SigningKeys.load(file);
        assertEquals(SignatureAlgorithm.ES256, key.algorithm());
        assertEquals(thumbprint(pair), key.kid());
        assertEquals(((ECPublicKey) pair.getPublic()).getW(), ((ECPublicKey) key.publicKey()).getW());
        // and the same key as its PKCS#8 form
        assertEquals(key.kid(), SigningKeys.fromPkcs8(key.privateKey().getEncoded()).kid());
    }

    @Test
    void encryptedKeysStopTheStart() throws Exception {
        KeyPair pair = TestKeys.rsa();
        // PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018), as 'openssl pkcs8 -topk8' writes it
        String pbe = "PBEWithHmacSHA256AndAES_256";
        Cipher cipher = Cipher.getInstance(pbe);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(pbe).generateSecret(new PBEKeySpec("correct horse".toCharArray())),
                new PBEParameterSpec(new byte[16], 10_000, new IvParameterSpec(new byte[16])));
        byte[] encrypted = new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                ASN1Primitive.fromByteArray(cipher.getParameters().getEncoded())), cipher.doFinal(pair.getPrivate().getEncoded())).getEncoded();
        assertRefused(pem("ENCRYPTED " + PKCS8, encrypted), pair, "holds an encrypted private key (ENCRYPTED PRIVATE KEY)");

        // the traditional OpenSSL encryption ('openssl rsa -aes128 -traditional'): AES-128-CBC under
        // MD5(password || first 8 bytes of the IV), named in RFC 1421 headers
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(iv);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update("correct horse".getBytes(StandardCharsets.US_ASCII));
        md5.update(iv, 0, 8);
        Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(md5.digest(), "AES"), new IvParameterSpec(iv));
        StringWriter traditional = new StringWriter();
        try (PemWriter writer = new PemWriter(traditional)) {
            writer.writeObject(new PemObject(PKCS1, List.of(new PemHeader("Proc-Type", "4,ENCRYPTED"),
                    new PemHeader("DEK-Info", "AES-128-CBC," + HexFormat.of().withUpperCase().formatHex(iv))),
                    aes.doFinal(pkcs1(pair))));
        }
        assertRefused(traditional.toString(), pair, "holds an encrypted private key (" + PKCS1 + ")");
    }

    @Test
    void aCertificateGarbageOrAnEmptyFileStopsTheStart() throws Exception {
        KeyPair pair = TestKeys.rsa();
        assertRefused(certificatePem(pair), pair, "holds no private key (found CERTIFICATE)");
        assertRefused("", pair, "holds no private key; expected '-----BEGIN " + PKCS8 + "-----'");
        assertRefused("not a key at all\n", pair, "holds no private key; expected");
        assertRefused(pem("PUBLIC KEY", pair.getPublic().getEncoded()), pair, "holds no private key (found PUBLIC KEY)");
        assertRefused(pem(PKCS8, pair.getPrivate().getEncoded()) + pem(PKCS8, TestKeys.rsa().getPrivate().getEncoded()),
                pair, "holds 2 private keys");
    }

    @Test
    void aTruncatedKeyStopsTheStart() throws Exception {
        KeyPair pair = TestKeys.rsa();
        String whole = pem(PKCS8, pair.getPrivate().getEncoded());
        List<String> lines = whole.lines().toList();
        // half of the base64 lines, END line kept: valid base64, cut-off DER
        List<String> half = new ArrayList<>(lines.subList(0, lines.size() / 2));
        half.add(lines.get(lines.size() - 1));
        assertRefused(String.join("\n", half) + "\n", pair, "is not a readable PEM file");
        // a last line of 3 characters: no longer base64
        List<String> odd = new ArrayList<>(lines);
        odd.set(lines.size() - 2, lines.get(lines.size() - 2).substring(0, 3));
        assertRefused(String.join("\n", odd) + "\n", pair, "is not a readable PEM file");
        // cut in the middle of the file: no END line
        assertRefused(whole.substring(0, whole.length() / 2), pair, "is not a readable PEM file");
    }

    @Test
    void aWeakOrWrongCurveKeyFileStopsTheStartSayingWhy() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair weak = rsa.generateKeyPair();
        String trace = assertRefused(pem(PKCS8, weak.getPrivate().getEncoded()), weak,
                "is not an RSA (2048 bits or more) or EC P-256 private key");
        assertTrue(trace.contains("RSA keys must have at least 2048 bits"), trace);

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        trace = assertRefused(pem(PKCS8, p384.getPrivate().getEncoded()), p384, "is not an RSA (2048 bits or more) or EC P-256 private key");
        assertTrue(trace.contains("only EC keys on P-256 are supported"), trace);
    }

    /**
     * Loading the file stops with a message naming the property, the file and {@code expected};
     * no part of the key, in base64 or hex, appears anywhere in the exception and its causes.
     */
    private static String assertRefused(String content, KeyPair pair, String expected) throws Exception {
        Path file = write(content);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> SigningKeys.load(file));
        assertTrue(refused.getMessage().startsWith(SigningKeys.PROPERTY + ": " + file + " "), refused.getMessage());
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
        StringWriter trace = new StringWriter();
        refused.printStackTrace(new PrintWriter(trace));
        String text = trace.toString();
        byte[] secret = pair.getPrivate().getEncoded();
        String base64 = Base64.getEncoder().encodeToString(secret);
        String hex = HexFormat.of().formatHex(secret);
        for (int i = 0; i + 16 <= base64.length(); i += 8) {
            assertFalse(text.contains(base64.substring(i, i + 16)), "key material (base64) in:\n" + text);
        }
        for (int i = 0; i + 16 <= hex.length(); i += 8) {
            assertFalse(text.toLowerCase().contains(hex.substring(i, i + 16)), "key material (hex) in:\n" + text);
        }
        for (String line : content.lines().toList()) {
            if (line.length() >= 16 && !line.startsWith("-----") && !line.contains(":")) {
                assertFalse(text.contains(line), "a line of the file in:\n" + text);
            }
        }
        return text;
    }

    /** The RFC 8017 RSAPrivateKey inside the PKCS#8 encoding. */
    private static byte[] pkcs1(KeyPair pair) throws Exception {
        return PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
    }

    private static String thumbprint(KeyPair pair) throws Exception {
        return PublicJsonWebKey.Factory.newPublicJwk(pair.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256");
    }

    private static String pem(String type, byte[] der) throws Exception {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        }
        return out.toString();
    }

    private static String certificatePem(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=gatehouse test");
        Instant now = Instant.now();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now),
                    Date.from(now.plusSeconds(3600)), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        }
        return out.toString();
    }

    private static Path write(String content) throws Exception {
        Path file = Files.createTempFile("gatehouse-test-key-", ".pem");
        file.toFile().deleteOnExit();
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return file;
    }
}
