package dev.gatehouse.dpop;

import io.restassured.RestAssured;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.HashUtil;
import org.jose4j.lang.JoseException;

import java.security.Key;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A client's DPoP key as the tests hold it (jose4j signs, as a client library would): proofs for any request. */
public final class DeviceKey {

    private final PublicJsonWebKey jwk;
    private final String alg;

    private DeviceKey(PublicJsonWebKey jwk, String alg) {
        this.jwk = jwk;
        this.alg = alg;
    }

    /** A fresh P-256 key, as the clients make. */
    public static DeviceKey create() {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            return new DeviceKey(key, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DeviceKey of(PublicJsonWebKey jwk, String alg) {
        return new DeviceKey(jwk, alg);
    }

    public String thumbprint() {
        return jwk.calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
    }

    /** The test server's URL for a path, as RestAssured calls it. */
    public static String url(String path) {
        return RestAssured.baseURI + ":" + RestAssured.port + path;
    }

    /** A proof for POST to this server's {@code path}, made now with a fresh jti. */
    public String post(String path) {
        return proof("POST", url(path), Instant.now(), UUID.randomUUID().toString());
    }

    public String proof(String htm, String htu, Instant iat, String jti) {
        JwtClaims claims = new JwtClaims();
        claims.setJwtId(jti);
        claims.setStringClaim("htm", htm);
        claims.setStringClaim("htu", htu);
        claims.setClaim("iat", iat.getEpochSecond());
        return sign(claims.toJson(), Map.of("typ", "dpop+jwt"), jwk.getPrivateKey());
    }

    /** A JWS with this key in its header, any payload and extra headers: for the hostile cases. */
    public String sign(String payload, Map<String, Object> headers, Key signingKey) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(alg);
        headers.forEach(jws::setHeader);
        jws.setJwkHeader(jwk);
        jws.setKey(signingKey);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public PublicJsonWebKey jwk() {
        return jwk;
    }

    /** The public JWK members, for tests that build a header by hand. */
    public Map<String, Object> publicMembers() {
        return jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }
}
