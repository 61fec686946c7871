package dev.gatehouse.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.equalTo;

/** docs/tokens.md "Validation": what a Bearer token must be, attacked one property at a time. */
@QuarkusTest
class JwtAttackTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    SigningKeys keys;
    @Inject
    ObjectMapper json;

    private Api.Tokens tokens;
    private ObjectNode claims;

    @BeforeEach
    void signIn() throws Exception {
        tokens = Api.login(Api.register());
        String payload = tokens.accessToken().split("\\.")[1];
        claims = (ObjectNode) json.readTree(Base64.getUrlDecoder().decode(payload));
    }

    @Test
    void theTokenAsIssuedAndAFaithfulResigningAreAccepted() throws Exception {
        accepted(tokens.accessToken());
        accepted(sign(claims, AlgorithmIdentifiers.RSA_USING_SHA256, keys.current().privateKey(), keys.current().kid()));
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String header = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        refused(header + "." + B64.encodeToString(json.writeValueAsBytes(claims)) + ".");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        byte[] publicKey = keys.current().publicKey().getEncoded();
        refused(sign(claims, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(publicKey), keys.current().kid()));
        String jwk = PublicJsonWebKey.Factory.newPublicJwk(keys.current().publicKey()).toJson();
        refused(sign(claims, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(jwk.getBytes(StandardCharsets.UTF_8)),
                keys.current().kid()));
    }

    @Test
    void anotherRsaAlgorithmWithTheRightKeyIsRefused() throws Exception {
        refused(sign(claims, AlgorithmIdentifiers.RSA_USING_SHA512, keys.current().privateKey(), keys.current().kid()));
        refused(sign(claims, AlgorithmIdentifiers.RSA_PSS_USING_SHA256, keys.current().privateKey(), keys.current().kid()));
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String[] parts = tokens.accessToken().split("\\.");
        ObjectNode forged = claims.deepCopy();
        forged.putArray("groups").add("user").add("admin");
        refused(parts[0] + "." + B64.encodeToString(json.writeValueAsBytes(forged)) + "." + parts[2]);
    }

    @Test
    void anUnknownKeyIsRefusedWhateverItsKid() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair attacker = generator.generateKeyPair();
        String attackerKid = PublicJsonWebKey.Factory.newPublicJwk(attacker.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256");
        refused(sign(claims, AlgorithmIdentifiers.RSA_USING_SHA256, attacker.getPrivate(), attackerKid));
        refused(sign(claims, AlgorithmIdentifiers.RSA_USING_SHA256, attacker.getPrivate(), keys.current().kid()));
    }

    @Test
    void expiryIsEnforcedWithTheConfiguredSkew() throws Exception {
        long now = Instant.now().getEpochSecond();
        ObjectNode expired = claims.deepCopy().put("iat", now - 1000).put("exp", now - 60);
        refused(sign(expired, AlgorithmIdentifiers.RSA_USING_SHA256, keys.current().privateKey(), keys.current().kid()));
        ObjectNode withinSkew = claims.deepCopy().put("iat", now - 1000).put("exp", now - 5);
        accepted(sign(withinSkew, AlgorithmIdentifiers.RSA_USING_SHA256, keys.current().privateKey(), keys.current().kid()));
    }

    @Test
    void aRememberedTokenIsTrustedOnlyUntilItExpiresAndOnlyByItsExactText() throws Exception {
        // VerifiedTokenCache: a verified token skips the signature check on its next uses.
        long skew = ConfigProvider.getConfig().getValue("gatehouse.jwt.clock-skew", java.time.Duration.class).toSeconds();
        long expiresAt = Instant.now().getEpochSecond() - skew + 3; // valid (with the skew) for about 3 more seconds
        String token = sign(claims.deepCopy().put("iat", expiresAt - 600).put("exp", expiresAt),
                AlgorithmIdentifiers.RSA_USING_SHA256, keys.current().privateKey(), keys.current().kid());
        accepted(token);
        accepted(token); // now from the cache
        // other bytes are another key: a changed signature character or a swapped payload is checked in full
        // (inside the signature: its last base64url character also carries unused bits, and changing only
        // those leaves the same signature, which is then rightly accepted)
        int i = token.length() - 10;
        refused(token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1));
        String[] parts = token.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                json.writeValueAsBytes(claims.deepCopy().put("iat", expiresAt - 600).put("exp", expiresAt + 3600)));
        refused(parts[0] + "." + otherPayload + "." + parts[2]);
        // and the remembered token stops working when it expires, not later
        long deadline = System.currentTimeMillis() + 10_000;
        while (given().auth().oauth2(token).get("/api/users/me").statusCode() == 200) {
            assertTrue(System.currentTimeMillis() < deadline, "a remembered token outlived its expiry");
            Thread.sleep(100);
        }
        assertTrue(Instant.now().getEpochSecond() >= expiresAt + skew, "refused before its expiry");
        refused(token);
    }

    @Test
    void wrongIssuerOrAudienceIsRefused() throws Exception {
        refused(sign(claims.deepCopy().put("iss", "https://evil.example"), AlgorithmIdentifiers.RSA_USING_SHA256,
                keys.current().privateKey(), keys.current().kid()));
        refused(sign(claims.deepCopy().put("aud", "another-service"), AlgorithmIdentifiers.RSA_USING_SHA256,
                keys.current().privateKey(), keys.current().kid()));
    }

    @Test
    void aWrongStampOrMissingSessionIsRefused() throws Exception {
        refused(sign(claims.deepCopy().put("stamp", "not-the-stamp"), AlgorithmIdentifiers.RSA_USING_SHA256,
                keys.current().privateKey(), keys.current().kid()));
        ObjectNode noSid = claims.deepCopy();
        noSid.remove("sid");
        refused(sign(noSid, AlgorithmIdentifiers.RSA_USING_SHA256, keys.current().privateKey(), keys.current().kid()));
        refused(sign(claims.deepCopy().put("sid", UUID.randomUUID().toString()), AlgorithmIdentifiers.RSA_USING_SHA256,
                keys.current().privateKey(), keys.current().kid()));
        // a valid session of another user does not lend itself to this one
        Api.Tokens other = Api.login(Api.register());
        refused(sign(claims.deepCopy().put("sid", other.sessionId()), AlgorithmIdentifiers.RSA_USING_SHA256,
                keys.current().privateKey(), keys.current().kid()));
    }

    @Test
    void garbageIsRefused() {
        refused("not-a-jwt");
        refused("a.b.c");
        refused("x".repeat(7000));
        refused(tokens.accessToken().substring(0, tokens.accessToken().length() - 10));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/users/me")
                .then().statusCode(401).body("code", equalTo("invalid_token"));
    }

    private String sign(ObjectNode payload, String algorithm, Key key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(json.writeValueAsString(payload));
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKeyIdHeaderValue(kid);
        jws.setHeader("typ", "JWT");
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    private static void accepted(String token) {
        given().auth().oauth2(token).get("/api/users/me").then().statusCode(200);
    }

    private static void refused(String token) {
        given().auth().oauth2(token).get("/api/users/me").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""))
                .body("code", equalTo("invalid_token"));
    }
}
