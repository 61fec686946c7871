package dev.gatehouse.packaged;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.TestKeys;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar in the prod profile, configured only by environment variables
 * (docs/operations.md "Configuration"): what stops the start (the signing key, the issuer, the server
 * secret, Argon2id parameters), the key types, and random successors whatever secrets are known.
 */
class ProdStartIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static EmbeddedPostgres database;

    @BeforeAll
    static void startDatabase() {
        database = EmbeddedPostgres.start(null, true);
    }

    @AfterAll
    static void stopDatabase() {
        database.stop();
    }

    private static Map<String, String> prodEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("GATEHOUSE_JWT_ISSUER", "https://auth.shop.example");
        env.put("GATEHOUSE_JWT_AUDIENCE", "shop-api");
        env.put("GATEHOUSE_SECRET", TestKeys.serverSecret());
        return env;
    }

    @Test
    void aMissingSigningKeyStopsTheStartNamingTheProperty() throws Exception {
        try (PackagedApp app = PackagedApp.start(prodEnvironment())) {
            assertNotEquals(0, app.awaitExit(START));
            assertTrue(app.output().contains("gatehouse.jwt.signing-key-files"), app.output());
        }
    }

    @Test
    void anUnreadableSigningKeyStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", "/nonexistent/key.pem");
        try (PackagedApp app = PackagedApp.start(env)) {
            assertNotEquals(0, app.awaitExit(START));
            assertTrue(app.output().contains("gatehouse.jwt.signing-key-files"), app.output());
        }
    }

    @Test
    void aMissingIssuerStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.remove("GATEHOUSE_JWT_ISSUER");
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        try (PackagedApp app = PackagedApp.start(env)) {
            assertNotEquals(0, app.awaitExit(START));
            assertTrue(app.output().contains("gatehouse.jwt.issuer"), app.output());
        }
    }

    @Test
    void argon2ParametersOutsideTheRfcStopTheStartNamingTheProperty() throws Exception {
        for (String[] wrong : new String[][] {{"GATEHOUSE_PASSWORD_ARGON2_MEMORY_KIB", "8", "GATEHOUSE_PASSWORD_ARGON2_PARALLELISM", "2"},
                {"GATEHOUSE_PASSWORD_ARGON2_ITERATIONS", "0", "GATEHOUSE_PASSWORD_ARGON2_PARALLELISM", "1"}}) {
            Map<String, String> env = prodEnvironment();
            env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
            env.put(wrong[0], wrong[1]);
            env.put(wrong[2], wrong[3]);
            try (PackagedApp app = PackagedApp.start(env)) {
                assertNotEquals(0, app.awaitExit(START), "a bad " + wrong[0] + " stops the start, not the first login");
                assertTrue(app.output().contains("gatehouse.password.argon2."), app.output());
            }
        }
    }

    @Test
    void aForwardingSettingThatIsNotUnderstoodStopsTheStartNamingTheProperty() throws Exception {
        for (String[] wrong : new String[][] {{"GATEHOUSE_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal", "gatehouse.http.trusted-proxies"},
                {"GATEHOUSE_HTTP_FORWARDED_HEADER", "x-real-ip", "gatehouse.http.forwarded-header"}}) {
            Map<String, String> env = prodEnvironment();
            env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
            env.put(wrong[0], wrong[1]);
            try (PackagedApp app = PackagedApp.start(env)) {
                assertNotEquals(0, app.awaitExit(START), wrong[0] + "=" + wrong[1] + " stops the start, not a request");
                assertTrue(app.output().contains(wrong[2]), app.output());
            }
        }
    }

    @Test
    void aMissingServerSecretStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.remove("GATEHOUSE_SECRET");
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        try (PackagedApp app = PackagedApp.start(env)) {
            assertNotEquals(0, app.awaitExit(START), "prod has no default secret and generates none");
            assertTrue(app.output().contains("gatehouse.secret"), app.output());
        }
    }

    @Test
    void aShortOrNonBase64ServerSecretStopsTheStartNamingThePropertyAndNotTheValue() throws Exception {
        String shortSecret = Base64.getEncoder().encodeToString("thirty-one bytes, one too few!!".getBytes(StandardCharsets.US_ASCII));
        String notBase64 = "not base64: " + "ä".repeat(40);
        String shortPrevious = Base64.getEncoder().encodeToString(new byte[16]);
        for (String[] wrong : new String[][] {{"GATEHOUSE_SECRET", shortSecret, "gatehouse.secret must decode to at least 32 bytes"},
                {"GATEHOUSE_SECRET", notBase64, "gatehouse.secret is not valid base64"},
                {"GATEHOUSE_PREVIOUS_SECRETS", shortPrevious, "gatehouse.previous-secrets must decode to at least 32 bytes"}}) {
            Map<String, String> env = prodEnvironment();
            env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
            env.put(wrong[0], wrong[1]);
            try (PackagedApp app = PackagedApp.start(env)) {
                assertNotEquals(0, app.awaitExit(START), "a bad " + wrong[0] + " stops the start");
                assertTrue(app.output().contains(wrong[2]), app.output());
                assertFalse(app.output().contains(wrong[1]), "the value is not printed");
            }
        }
    }

    @Test
    void anEcKeySignsEs256AndSuccessorsAreRandomWhateverTheSecrets() throws Exception {
        String serverSecret = TestKeys.serverSecret();
        KeyPair key = TestKeys.ecP256();
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(key).toString());
        env.put("GATEHOUSE_SECRET", serverSecret);
        try (PackagedApp app = PackagedApp.start(env)) {
            Duration ready = app.awaitReady(START);
            System.out.printf("packaged JVM app ready in %d ms%n", ready.toMillis());
            RequestSpecification api = given().baseUri(app.baseUri());

            String jwks = api.get("/.well-known/jwks.json").then().statusCode(200)
                    .body("keys[0].kty", equalTo("EC")).body("keys[0].alg", equalTo("ES256"))
                    .body("keys[0].crv", equalTo("P-256")).extract().asString();
            Response login = signIn(app);
            String accessToken = login.path("accessToken");
            assertEquals("ES256", JsonWebStructure.fromCompactSerialization(accessToken).getAlgorithmHeaderValue());
            new JwtConsumerBuilder()
                    .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                    .setExpectedIssuer("https://auth.shop.example").setExpectedAudience("shop-api").build()
                    .processToClaims(accessToken);
            given().baseUri(app.baseUri()).auth().oauth2(accessToken).get("/api/users/me").then().statusCode(200);

            // docs/tokens.md "Sealed successor": no server secret yields a successor (the review's
            // attack derived T' = HMAC(HKDF(signing key), T) and refreshed with it)
            String token = login.path("refreshToken");
            String successor = refresh(app, token);
            assertTrue(successor.matches("gatehouse_rt_[A-Za-z0-9_-]{43}"), successor);
            byte[] pkcs8 = key.getPrivate().getEncoded();
            for (byte[] secret : List.of(Base64.getDecoder().decode(serverSecret), pkcs8,
                    TestKeys.hkdfSha256(pkcs8, "gatehouse refresh-token successor v1".getBytes(StandardCharsets.US_ASCII)),
                    TestKeys.hkdfSha256(Base64.getDecoder().decode(serverSecret), "gatehouse refresh-token successor v1".getBytes(StandardCharsets.US_ASCII)))) {
                assertNotEquals(hmacSuccessor(secret, token), successor);
            }
            assertEquals(successor, refresh(app, token), "a retry inside the window gets the same successor");
        }
    }

    @Test
    void environmentKeysApply() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        env.put("GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE", "PT0S");
        env.put("GATEHOUSE_ACCESS_TOKEN_TTL", "5m");
        // an app configured, but no RP ID: passkeys are off, and so is its association file
        env.put("GATEHOUSE_PASSKEYS_ANDROID_APPS", "com.shop.app=" + "AB".repeat(32));
        try (PackagedApp app = PackagedApp.start(env)) {
            app.awaitReady(START);
            Response login = signIn(app);
            assertEquals(300, (int) login.path("expiresIn"));
            String token = login.path("refreshToken");
            String successor = refresh(app, token);
            // the window is 0 from the environment: an immediate retry is a replay
            given().baseUri(app.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", token))
                    .post("/api/auth/refresh").then().statusCode(401);
            assertTrue(!app.output().contains(token) && !app.output().contains(successor), "no token in the logs");
            assertFalse(app.output().contains(env.get("GATEHOUSE_SECRET")), "no secret in the logs");
            // docs/passkeys.md "Configuration": without gatehouse.passkeys.rp-id every passkey path is 404
            // (a new sign-in: the replay above revoked the first session)
            String access = signIn(app).path("accessToken");
            given().baseUri(app.baseUri()).post("/api/auth/passkeys/login/options").then().statusCode(404)
                    .body("code", equalTo("not_found"));
            given().baseUri(app.baseUri()).auth().oauth2(access).post("/api/auth/passkeys/register/options").then().statusCode(404);
            given().baseUri(app.baseUri()).auth().oauth2(access).get("/api/auth/passkeys")
                    .then().statusCode(404);
            given().baseUri(app.baseUri()).get("/.well-known/assetlinks.json").then().statusCode(404);
            given().baseUri(app.baseUri()).get("/.well-known/apple-app-site-association").then().statusCode(404);
        }
    }

    @Test
    void malformedPasskeySettingsStopTheStartNamingTheProperty() throws Exception {
        List<Map.Entry<String, Map<String, String>>> cases = List.of(
                Map.entry("gatehouse.passkeys.origins", Map.of("GATEHOUSE_PASSKEYS_RP_ID", "shop.example",
                        "GATEHOUSE_PASSKEYS_ORIGINS", "https://shop.example/login")),
                Map.entry("gatehouse.passkeys.android-apps", Map.of("GATEHOUSE_PASSKEYS_RP_ID", "shop.example",
                        "GATEHOUSE_PASSKEYS_ANDROID_APPS", "com.shop.app=AB:CD")),
                // a web origin must be HTTPS and on the RP ID (docs/passkeys.md "Configuration")
                Map.entry("gatehouse.passkeys.origins", Map.of("GATEHOUSE_PASSKEYS_RP_ID", "shop.example",
                        "GATEHOUSE_PASSKEYS_ORIGINS", "http://shop.example")),
                Map.entry("gatehouse.passkeys.origins", Map.of("GATEHOUSE_PASSKEYS_RP_ID", "shop.example",
                        "GATEHOUSE_PASSKEYS_ORIGINS", "https://shop.example.evil.test")));
        for (Map.Entry<String, Map<String, String>> entry : cases) {
            Map<String, String> env = prodEnvironment();
            env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
            env.putAll(entry.getValue());
            try (PackagedApp app = PackagedApp.start(env)) {
                assertNotEquals(0, app.awaitExit(START), entry.toString());
                assertTrue(app.output().contains(entry.getKey()), app.output());
            }
        }
    }

    private static Response signIn(PackagedApp app) {
        String email = "it-" + UUID.randomUUID() + "@example.com";
        given().baseUri(app.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse battery"))
                .post("/api/auth/register").then().statusCode(201);
        Response login = given().baseUri(app.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse battery"))
                .post("/api/auth/login");
        login.then().statusCode(200);
        return login;
    }

    private static String refresh(PackagedApp app, String token) {
        return given().baseUri(app.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", token))
                .post("/api/auth/refresh").then().statusCode(200).extract().path("refreshToken");
    }

    /** The deterministic chain the review exploited: T' = prefix + HMAC-SHA256(secret, T). */
    static String hmacSuccessor(byte[] secret, String token) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return "gatehouse_rt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
    }
}
