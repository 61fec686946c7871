package dev.gatehouse.packaged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.dpop.DeviceKey;
import dev.gatehouse.mfa.TotpCodes;
import dev.gatehouse.support.Cluster;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two packaged instances (A and B) on one PostgreSQL: rotation is atomic across them, and every
 * revocation made on A is enforced by B within 1 second
 * (docs/tokens.md "Revocation reaches every instance within 1 s").
 */
class MultiInstanceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC_URL = "https://auth.cluster.test";
    private static final String FEED_SECRET = "the cluster's revocation feed secret 32+";
    private static Cluster cluster;
    private static PackagedApp a;
    private static PackagedApp b;

    @BeforeAll
    static void startCluster() throws Exception {
        // docs/passkeys.md "Configuration", as environment variables (the fingerprint without colons)
        cluster = Cluster.start(2, Map.of(
                "GATEHOUSE_PASSKEYS_RP_ID", "shop.test",
                "GATEHOUSE_PASSKEYS_ORIGINS", SoftwareAuthenticator.WEB_ORIGIN + "," + SoftwareAuthenticator.ANDROID_ORIGIN,
                "GATEHOUSE_PASSKEYS_ANDROID_APPS", "dev.gatehouse.shop=29c333cb8666c120880f457c3c6d404cee48924f79a161641aa77ac095b91d6b",
                "GATEHOUSE_PASSKEYS_APPLE_APP_IDS", "ABCDE12345.dev.gatehouse.shop",
                // docs/dpop.md "The URL a proof names": both instances behind one public URL
                "GATEHOUSE_HTTP_PUBLIC_BASE_URL", PUBLIC_URL,
                "GATEHOUSE_REVOCATION_FEED_SECRETS", FEED_SECRET));
        a = cluster.instance(0);
        b = cluster.instance(1);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachInstanceServesHealthAndMetricsOnItsOwnManagementPortOnly() {
        // docs/operations.md "Health": two instances on one host, each with its own management port.
        assertNotEquals(a.managementUri(), b.managementUri());
        for (PackagedApp instance : new PackagedApp[]{a, b}) {
            given().baseUri(instance.managementUri()).get("/q/health/ready").then().statusCode(200);
            given().baseUri(instance.managementUri()).get("/q/metrics").then().statusCode(200);
            for (String path : new String[]{"/q/health", "/q/health/ready", "/q/metrics"}) {
                given().baseUri(instance.baseUri()).get(path).then().statusCode(404);
            }
        }
    }

    @Test
    void sixteenParallelRefreshesSplitOverBothInstancesAllGetTheSameSuccessor() throws Exception {
        Map<String, String> login = signUpAndLogin(a);
        String token = login.get("refreshToken");
        List<Response> responses = Parallel.run(16, i -> refresh(i % 2 == 0 ? a : b, token));
        Set<String> successors = new HashSet<>();
        for (Response response : responses) {
            assertEquals(200, response.statusCode(), response.asString());
            successors.add(response.path("refreshToken"));
        }
        assertEquals(1, successors.size());
        String successor = successors.iterator().next();
        // the successor is live on both instances
        Response next = refresh(b, successor);
        assertEquals(200, next.statusCode());
        me(a, next.path("accessToken"), 200);
    }

    /** docs/dpop.md "Each proof once": one proof sent to both instances at once refreshes once; the session lives on. */
    @Test
    void oneDpopProofSentToBothInstancesAtOnceRefreshesOnce() throws Exception {
        String email = "dpop-" + UUID.randomUUID() + "@cluster.test";
        register(a, email);
        DeviceKey key = DeviceKey.create();
        String token = given().baseUri(a.baseUri()).contentType(ContentType.JSON)
                .header("DPoP", key.proof("POST", PUBLIC_URL + "/api/auth/login", Instant.now(), UUID.randomUUID().toString()))
                .body(Map.of("email", email, "password", "correct horse battery")).post("/api/auth/login")
                .then().statusCode(200).body("refreshTokenBound", equalTo(true)).extract().path("refreshToken");
        String proof = key.proof("POST", PUBLIC_URL + "/api/auth/refresh", Instant.now(), UUID.randomUUID().toString());
        List<Response> responses = Parallel.run(8, i -> given().baseUri((i % 2 == 0 ? a : b).baseUri())
                .contentType(ContentType.JSON).header("DPoP", proof).body(Map.of("refreshToken", token)).post("/api/auth/refresh"));
        List<Response> won = responses.stream().filter(r -> r.statusCode() == 200).toList();
        assertEquals(1, won.size(), responses.stream().map(Response::asString).toList().toString());
        for (Response response : responses) {
            if (response.statusCode() != 200) {
                assertEquals(401, response.statusCode());
                assertEquals("invalid_dpop_proof", response.path("code"));
            }
        }
        // a retry with a fresh proof on the other instance gets the same successor, which then rotates
        Response retried = given().baseUri(b.baseUri()).contentType(ContentType.JSON)
                .header("DPoP", key.proof("POST", PUBLIC_URL + "/api/auth/refresh", Instant.now(), UUID.randomUUID().toString()))
                .body(Map.of("refreshToken", token)).post("/api/auth/refresh");
        assertEquals(200, retried.statusCode(), retried.asString());
        assertEquals((String) won.get(0).path("refreshToken"), retried.path("refreshToken"));
        given().baseUri(a.baseUri()).contentType(ContentType.JSON)
                .header("DPoP", key.proof("POST", PUBLIC_URL + "/api/auth/refresh", Instant.now(), UUID.randomUUID().toString()))
                .body(Map.of("refreshToken", retried.path("refreshToken"))).post("/api/auth/refresh").then().statusCode(200);
    }

    /** docs/revocation-feed.md "Order": B's stream carries what A revoked, within a second, and its page too. */
    @Test
    void aRevocationOnAIsInTheFeedThatBServes() throws Exception {
        Map<String, String> login = signUpAndLogin(a);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = http.send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(b.baseUri() + "/api/revocations/stream"))
                .header("Authorization", "Bearer " + FEED_SECRET).build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> stream.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        try {
            long revoked = System.nanoTime();
            given().baseUri(a.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", login.get("refreshToken")))
                    .post("/api/auth/logout").then().statusCode(204);
            String line;
            do {
                line = lines.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(line != null, "B's stream did not carry A's logout");
            } while (!(line.startsWith("data:") && line.contains(login.get("sessionId"))));
            long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked);
            assertTrue(millis < 1000, "B pushed A's revocation after " + millis + " ms");
            given().baseUri(b.baseUri()).auth().oauth2(FEED_SECRET).get("/api/revocations").then().statusCode(200)
                    .body("events.sid", org.hamcrest.Matchers.hasItem(login.get("sessionId")));
        } finally {
            stream.body().close();
        }
    }

    @Test
    void aRetryOnTheOtherInstanceGetsTheSuccessorSealedByTheFirst() {
        // docs/tokens.md "Sealed successor": B opens what A sealed; no instance holds anything the other lacks
        String token = signUpAndLogin(a).get("refreshToken");
        Response rotated = refresh(a, token);
        assertEquals(200, rotated.statusCode(), rotated.asString());
        Response retried = refresh(b, token);
        assertEquals(200, retried.statusCode(), retried.asString());
        assertEquals((String) rotated.path("refreshToken"), retried.path("refreshToken"));
        me(a, retried.path("accessToken"), 200);
        assertEquals(200, refresh(b, retried.path("refreshToken")).statusCode());
    }

    @Test
    void aLogoutOnAStopsTheAccessTokenOnBWithinOneSecond() throws Exception {
        Map<String, String> login = signUpAndLogin(a);
        String accessToken = login.get("accessToken");
        me(b, accessToken, 200); // B has the session state cached now
        me(b, accessToken, 200);

        given().baseUri(a.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", login.get("refreshToken")))
                .post("/api/auth/logout").then().statusCode(204);
        long millis = millisUntilRefused(b, accessToken);
        System.out.printf("logout on A refused on B after %d ms%n", millis);
        assertTrue(millis < 1000, "refused after " + millis + " ms");
        assertEquals(401, refresh(b, login.get("refreshToken")).statusCode());
    }

    @Test
    void aReplayDetectedOnARevokesTheSessionForB() throws Exception {
        Map<String, String> login = signUpAndLogin(b);
        String first = login.get("refreshToken");
        Response second = refresh(b, first);
        Response third = refresh(b, second.path("refreshToken"));
        String accessToken = third.path("accessToken");
        me(b, accessToken, 200);

        assertEquals(401, refresh(a, first).statusCode(), "the replay, seen by A");
        long millis = millisUntilRefused(b, accessToken);
        System.out.printf("replay on A refused on B after %d ms%n", millis);
        assertTrue(millis < 1000, "refused after " + millis + " ms");
        assertEquals(401, refresh(b, third.path("refreshToken")).statusCode());
    }

    @Test
    void anAdminSuspendOnABlocksLoginRefreshAndTokensOnB() throws Exception {
        String adminToken = login(a, Cluster.ADMIN_EMAIL, cluster.adminPassword()).path("accessToken");
        String email = "victim-" + UUID.randomUUID() + "@example.com";
        register(b, email);
        Response session = login(b, email, "correct horse battery");
        String accessToken = session.path("accessToken");
        me(b, accessToken, 200);
        String userId = given().baseUri(a.baseUri()).auth().oauth2(adminToken).queryParam("email", email)
                .get("/api/admin/users").then().statusCode(200).extract().path("[0].id");

        given().baseUri(a.baseUri()).auth().oauth2(adminToken).post("/api/admin/users/" + userId + "/suspend")
                .then().statusCode(204);
        long millis = millisUntilRefused(b, accessToken);
        assertTrue(millis < 1000, "refused after " + millis + " ms");
        assertEquals(401, refresh(b, session.path("refreshToken")).statusCode());
        assertEquals(403, login(b, email, "correct horse battery").statusCode());
    }

    static long millisUntilRefused(PackagedApp instance, String accessToken) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 5_000_000_000L) {
            int status = given().baseUri(instance.baseUri()).auth().oauth2(accessToken).get("/api/users/me").statusCode();
            if (status == 401) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            assertEquals(200, status);
            Thread.sleep(10);
        }
        throw new AssertionError("the token still works after 5 s");
    }

    /** docs/passkeys.md "Flows": a ceremony begun on one instance finishes on the other, once. */
    @Test
    void passkeyCeremoniesBegunOnOneInstanceFinishOnTheOtherOnce() throws Exception {
        String email = registerVerified(a);
        String access = login(a, email, "correct horse battery").then().statusCode(200).extract().path("accessToken");
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Response options = given().baseUri(a.baseUri()).auth().oauth2(access).post("/api/auth/passkeys/register/options");
        options.then().statusCode(200);
        JsonNode creation = JSON.readTree(options.asString());
        given().baseUri(b.baseUri()).auth().oauth2(access).contentType(ContentType.JSON)
                .body(Map.of("flowId", creation.path("flowId").asText(), "credential",
                        authenticator.create(creation.path("publicKey"), SoftwareAuthenticator.ANDROID_ORIGIN)))
                .post("/api/auth/passkeys/register").then().statusCode(201);

        JsonNode request = JSON.readTree(given().baseUri(b.baseUri()).post("/api/auth/passkeys/login/options")
                .then().statusCode(200).extract().asString());
        Map<String, Object> assertion = authenticator.get(request.path("publicKey"), SoftwareAuthenticator.ANDROID_ORIGIN);
        List<Response> finishes = Parallel.run(6, i -> given().baseUri((i % 2 == 0 ? a : b).baseUri()).contentType(ContentType.JSON)
                .body(Map.of("flowId", request.path("flowId").asText(), "credential", assertion)).post("/api/auth/passkeys/login"));
        assertEquals(1, finishes.stream().filter(r -> r.statusCode() == 200).count());
        String passkeyAccess = finishes.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow().path("accessToken");
        given().baseUri(b.baseUri()).auth().oauth2(passkeyAccess).get("/api/users/me").then().statusCode(200);

        given().baseUri(b.baseUri()).get("/.well-known/assetlinks.json").then().statusCode(200)
                .body("[0].target.sha256_cert_fingerprints[0]", org.hamcrest.Matchers.equalTo(
                        "29:C3:33:CB:86:66:C1:20:88:0F:45:7C:3C:6D:40:4C:EE:48:92:4F:79:A1:61:64:1A:A7:7A:C0:95:B9:1D:6B"));
        given().baseUri(a.baseUri()).get("/.well-known/apple-app-site-association").then().statusCode(200)
                .body("webcredentials.apps[0]", org.hamcrest.Matchers.equalTo("ABCDE12345.dev.gatehouse.shop"));
    }

    /** docs/mfa.md "Codes": a TOTP step is used once across instances, and either instance finishes a login. */
    @Test
    void aSecondFactorSetUpOnOneInstanceSignsInOnTheOtherAndEachCodeOnce() throws Exception {
        String email = registerVerified(a);
        String access = login(a, email, "correct horse battery").then().statusCode(200).extract().path("accessToken");
        String secret = given().baseUri(a.baseUri()).auth().oauth2(access).post("/api/auth/mfa/totp/setup")
                .then().statusCode(200).extract().path("secret");
        long step = TotpCodes.stepAt(java.time.Instant.now());
        List<String> recovery = given().baseUri(b.baseUri()).auth().oauth2(access).contentType(ContentType.JSON)
                .body(Map.of("code", TotpCodes.forStep(secret, step))).post("/api/auth/mfa/totp/confirm")
                .then().statusCode(200).extract().path("recoveryCodes");
        // B turned it on; A's cached user state follows within a second
        long until = System.nanoTime() + 5_000_000_000L;
        while (!Boolean.TRUE.equals(given().baseUri(a.baseUri()).auth().oauth2(access).get("/api/users/me").path("mfaEnabled"))) {
            assertTrue(System.nanoTime() < until, "A still says TOTP is off after 5 s");
            Thread.sleep(10);
        }

        List<String> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tokens.add(login(i % 2 == 0 ? a : b, email, "correct horse battery").then().statusCode(403)
                    .extract().path("mfaToken"));
        }
        String next = TotpCodes.forStep(secret, step + 1);
        List<Response> finishes = Parallel.run(6, i -> given().baseUri((i % 2 == 0 ? b : a).baseUri()).contentType(ContentType.JSON)
                .body(Map.of("mfaToken", tokens.get(i), "code", next)).post("/api/auth/login/mfa"));
        assertEquals(1, finishes.stream().filter(r -> r.statusCode() == 200).count(),
                finishes.stream().map(Response::statusCode).toList().toString());
        // a token from A finishes on B with a recovery code, once
        String fromA = login(a, email, "correct horse battery").then().statusCode(403).extract().path("mfaToken");
        given().baseUri(b.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("mfaToken", fromA, "recoveryCode", recovery.get(0))).post("/api/auth/login/mfa")
                .then().statusCode(200);
        given().baseUri(a.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("mfaToken", fromA, "recoveryCode", recovery.get(1))).post("/api/auth/login/mfa")
                .then().statusCode(401);
    }

    static Map<String, String> signUpAndLogin(PackagedApp instance) {
        String email = "it-" + UUID.randomUUID() + "@example.com";
        register(instance, email);
        Response login = login(instance, email, "correct horse battery");
        assertEquals(200, login.statusCode(), login.asString());
        return Map.of("accessToken", login.path("accessToken"), "refreshToken", login.path("refreshToken"),
                "sessionId", login.path("sessionId"));
    }

    /** A new user registered on {@code instance}, its e-mail marked verified in the database (no mail is sent here). */
    static String registerVerified(PackagedApp instance) throws Exception {
        String email = "it-" + UUID.randomUUID() + "@example.com";
        register(instance, email);
        try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl());
             PreparedStatement verify = connection.prepareStatement("update users set email_verified = true where email = ?")) {
            verify.setString(1, email);
            assertEquals(1, verify.executeUpdate());
        }
        return email;
    }

    static void register(PackagedApp instance, String email) {
        given().baseUri(instance.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", "correct horse battery"))
                .post("/api/auth/register").then().statusCode(201);
    }

    static Response login(PackagedApp instance, String email, String password) {
        return given().baseUri(instance.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password)).post("/api/auth/login");
    }

    static Response refresh(PackagedApp instance, String token) {
        return given().baseUri(instance.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", token))
                .post("/api/auth/refresh");
    }

    static void me(PackagedApp instance, String accessToken, int status) {
        given().baseUri(instance.baseUri()).auth().oauth2(accessToken).get("/api/users/me").then().statusCode(status);
    }
}
