package dev.gatehouse.dpop;

import dev.gatehouse.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.jose4j.base64url.Base64Url;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.OkpJwkGenerator;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.json.JsonUtil;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.dpop.DpopRefreshTest.LOGIN;
import static dev.gatehouse.dpop.DpopRefreshTest.refusedForProof;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/dpop.md "What a proof must be": every malformed or unsuitable proof is a 401 invalid_dpop_proof, never a 5xx. */
@QuarkusTest
class DpopHostileProofsTest {

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    private static Response loginWith(List<String> proofs) {
        var request = given().contentType(ContentType.JSON).body(Map.of("email", Api.uniqueEmail(), "password", Api.PASSWORD));
        for (String proof : proofs) {
            request.header("DPoP", proof);
        }
        return request.post(LOGIN);
    }

    private static Response loginWith(String proof) {
        return loginWith(List.of(proof));
    }

    private static String claims(Map<String, Object> overrides) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("htm", "POST");
        claims.put("htu", DeviceKey.url(LOGIN));
        claims.put("iat", Instant.now().getEpochSecond());
        claims.putAll(overrides);
        claims.values().removeIf(v -> v == null);
        return JsonUtil.toJson(claims);
    }

    private static String unsigned(Map<String, Object> header, String payload) {
        return Base64Url.encodeUtf8ByteRepresentation(JsonUtil.toJson(header)) + "."
                + Base64Url.encodeUtf8ByteRepresentation(payload) + ".";
    }

    @Test
    void garbageIsRefused() {
        for (String proof : List.of("", "not a proof", "a.b.c", "a.b", "....", "x".repeat(5000),
                Base64Url.encodeUtf8ByteRepresentation("{\"typ\":\"dpop+jwt\"") + ".e30.AAAA")) {
            refusedForProof(loginWith(proof));
        }
    }

    @Test
    void headersThatAreNotADpopProofsAreRefused() {
        DeviceKey key = DeviceKey.create();
        String payload = claims(Map.of());
        refusedForProof(loginWith(key.sign(payload, Map.of("typ", "JWT"), key.jwk().getPrivateKey())));
        refusedForProof(loginWith(key.sign(payload, Map.of(), key.jwk().getPrivateKey())));
        refusedForProof(loginWith(key.sign(payload, Map.of("typ", "dpop+jwt", "crit", List.of("exp")), key.jwk().getPrivateKey())));
        refusedForProof(loginWith(key.sign(payload, Map.of("typ", "dpop+jwt", "b64", false), key.jwk().getPrivateKey())));
        // alg none, and a jwk carrying its private part
        Map<String, Object> none = new LinkedHashMap<>(Map.of("typ", "dpop+jwt", "alg", "none", "jwk", key.publicMembers()));
        refusedForProof(loginWith(unsigned(none, payload)));
        Map<String, Object> withPrivate = new LinkedHashMap<>(key.jwk().toParams(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        Map<String, Object> leaking = new LinkedHashMap<>(Map.of("typ", "dpop+jwt", "alg", "ES256", "jwk", withPrivate));
        String signingInput = unsigned(leaking, payload);
        refusedForProof(loginWith(signingInput + "AAAA"));
        // two proofs
        refusedForProof(loginWith(List.of(key.post(LOGIN), key.post(LOGIN))));
    }

    @Test
    void signaturesAndClaimsAreChecked() {
        DeviceKey key = DeviceKey.create();
        DeviceKey other = DeviceKey.create();
        // signed by another key than the one in the header
        refusedForProof(loginWith(key.sign(claims(Map.of()), Map.of("typ", "dpop+jwt"), other.jwk().getPrivateKey())));
        Map<String, Object> missing = new LinkedHashMap<>();
        for (String claim : List.of("jti", "htm", "htu", "iat")) {
            missing.put(claim, null);
            Map<String, Object> without = new LinkedHashMap<>();
            without.put(claim, null);
            refusedForProof(loginWith(key.sign(claims(without), Map.of("typ", "dpop+jwt"), key.jwk().getPrivateKey())));
        }
        for (Map<String, Object> wrong : List.of(Map.<String, Object>of("iat", "now"), Map.<String, Object>of("jti", 7),
                Map.<String, Object>of("jti", "j".repeat(300)), Map.<String, Object>of("htm", "post"),
                Map.<String, Object>of("htu", DeviceKey.url(LOGIN).replace("http", "ftp")),
                Map.<String, Object>of("htu", "/api/auth/login"), Map.<String, Object>of("htm", List.of("POST")))) {
            refusedForProof(loginWith(key.sign(claims(wrong), Map.of("typ", "dpop+jwt"), key.jwk().getPrivateKey())));
        }
        refusedForProof(loginWith(key.sign("not json", Map.of("typ", "dpop+jwt"), key.jwk().getPrivateKey())));
    }

    @Test
    void theUrlIsComparedAfterNormalisation() {
        DeviceKey key = DeviceKey.create();
        String url = DeviceKey.url(LOGIN).replace("http://localhost", "HTTP://LocalHost") + "?q=1#f";
        Api.Account account = Api.register();
        given().contentType(ContentType.JSON).body(Map.of("email", account.email(), "password", account.password()))
                .header("DPoP", key.proof("POST", url, Instant.now(), UUID.randomUUID().toString()))
                .post(LOGIN).then().statusCode(200).body("refreshTokenBound", equalTo(true));
    }

    @Test
    void keysMustFitTheirAlgorithm() throws Exception {
        Api.Account account = Api.register();
        // accepted: Ed25519 and a 2048-bit RSA key with e = 65537
        for (DeviceKey good : List.of(
                DeviceKey.of(OkpJwkGenerator.generateJwk(OctetKeyPairJsonWebKey.SUBTYPE_ED25519), AlgorithmIdentifiers.EDDSA),
                DeviceKey.of(rsa(2048, RSAKeyGenParameterSpec.F4), AlgorithmIdentifiers.RSA_USING_SHA256))) {
            given().contentType(ContentType.JSON).body(Map.of("email", account.email(), "password", account.password()))
                    .header("DPoP", good.post(LOGIN)).post(LOGIN).then().statusCode(200).body("refreshTokenBound", equalTo(true));
        }
        // refused: a P-384 key under ES256, RSA under 2048 bits, and an exponent other than 65537
        for (DeviceKey bad : List.of(
                DeviceKey.of(EcJwkGenerator.generateJwk(EllipticCurves.P384), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256),
                DeviceKey.of(rsa(1024, RSAKeyGenParameterSpec.F4), AlgorithmIdentifiers.RSA_USING_SHA256),
                DeviceKey.of(rsa(2048, BigInteger.valueOf(3)), AlgorithmIdentifiers.RSA_USING_SHA256))) {
            refusedForProof(loginWith(bad.post(LOGIN)));
        }
        // an EC key named under RS256 (no client library would sign that: the signature is made up)
        DeviceKey ec = DeviceKey.create();
        Map<String, Object> header = new LinkedHashMap<>(Map.of("typ", "dpop+jwt", "alg", "RS256", "jwk", ec.publicMembers()));
        refusedForProof(loginWith(unsigned(header, claims(Map.of())) + "A".repeat(342)));
    }

    @Test
    void refusalsAreCountedByReason() {
        String before = dev.gatehouse.support.Metrics.scrape(metricsUrl);
        double malformed = dev.gatehouse.support.Metrics.value(before, "gatehouse_dpop_rejections_total", "reason=\"malformed\"");
        refusedForProof(loginWith("not a proof"));
        String after = dev.gatehouse.support.Metrics.scrape(metricsUrl);
        assertTrue(dev.gatehouse.support.Metrics.value(after, "gatehouse_dpop_rejections_total", "reason=\"malformed\"") >= malformed + 1);
        assertTrue(dev.gatehouse.support.Metrics.has(after, "gatehouse_dpop_rejections_total", "{reason=\"replayed\"}"));
        assertTrue(!after.contains("not a proof"));
    }

    private static PublicJsonWebKey rsa(int bits, BigInteger exponent) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(new RSAKeyGenParameterSpec(bits, exponent));
        var pair = generator.generateKeyPair();
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
        jwk.setPrivateKey((RSAPrivateKey) pair.getPrivate());
        return jwk;
    }
}
