package dev.gatehouse.keys;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.jwa.AlgorithmConstraints;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "GET /.well-known/jwks.json": the JWKS, and that a token verifies against it as a resource server would. */
@QuarkusTest
class JwksTest {

    @Test
    void publishesTheSigningKeyWithItsThumbprintAsKid() throws Exception {
        Response response = given().get("/.well-known/jwks.json");
        response.then().statusCode(200).header("Cache-Control", equalTo("public, max-age=300"))
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].use", equalTo("sig"));
        JsonWebKeySet set = new JsonWebKeySet(response.asString());
        assertEquals(1, set.getJsonWebKeys().size());
        JsonWebKey key = set.getJsonWebKeys().get(0);
        assertEquals(key.calculateBase64urlEncodedThumbprint("SHA-256"), key.getKeyId());
        assertTrue(!response.asString().contains("\"d\""), "no private part is published");
    }

    @Test
    void anAccessTokenVerifiesAgainstTheJwksWithEveryClaim() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        JsonWebKeySet set = new JsonWebKeySet(given().get("/.well-known/jwks.json").asString());

        JsonWebStructure header = JsonWebStructure.fromCompactSerialization(tokens.accessToken());
        assertEquals("RS256", header.getAlgorithmHeaderValue());
        assertEquals(set.getJsonWebKeys().get(0).getKeyId(), header.getKeyIdHeaderValue());

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(set.getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedIssuer("https://gatehouse.test")
                .setExpectedAudience("gatehouse-test")
                .setRequireExpirationTime().setRequireIssuedAt().setRequireJwtId().setRequireSubject()
                .build();
        JwtClaims claims = consumer.processToClaims(tokens.accessToken());
        assertEquals(account.id(), claims.getSubject());
        assertEquals(account.email(), claims.getStringClaimValue("upn"));
        assertEquals(List.of("user"), claims.getStringListClaimValue("groups"));
        assertEquals(tokens.sessionId(), claims.getStringClaimValue("sid"));
        assertTrue(claims.getStringClaimValue("stamp").length() >= 20);
        assertEquals(900, claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
    }
}
