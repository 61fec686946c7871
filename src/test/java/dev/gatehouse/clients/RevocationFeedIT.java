package dev.gatehouse.clients;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.TcpProxy;
import dev.gatehouse.support.TestKeys;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The revocation feed's faults, end to end (docs/revocation-feed.md "Guarantees and limits"): the example resource
 * server with clients/resource-server follows Gatehouse through a TCP proxy that can be cut; Gatehouse is restarted;
 * a second instance revokes. Each time the example ends up refusing the revoked token, from what it caught up.
 */
class RevocationFeedIT {

    private static final String FEED_SECRET = "revocation feed IT secret of 32 bytes or more";
    private static final String PASSWORD = "correct horse battery";
    private static final Path APP_LOG = Path.of("target", "it-logs", "revocation-feed-example.log");

    private static EmbeddedPostgres database;
    private static Map<String, String> gatehouseEnv;
    private static PackagedApp gatehouse;
    private static TcpProxy proxy;
    private static Process example;
    private static String exampleUri;

    @BeforeAll
    static void start() throws Exception {
        ResourceServerIT.buildTheExampleUnlessUpToDate();
        database = EmbeddedPostgres.start(null, true);
        gatehouseEnv = new HashMap<>();
        gatehouseEnv.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        gatehouseEnv.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        gatehouseEnv.put("GATEHOUSE_JWT_ISSUER", "https://auth.feed.test");
        gatehouseEnv.put("GATEHOUSE_JWT_AUDIENCE", "feed-test");
        gatehouseEnv.put("GATEHOUSE_SECRET", TestKeys.serverSecret());
        gatehouseEnv.put("GATEHOUSE_RATE_LIMIT_ENABLED", "false");
        gatehouseEnv.put("GATEHOUSE_REVOCATION_FEED_SECRETS", FEED_SECRET);
        gatehouse = PackagedApp.start(gatehouseEnv);
        gatehouse.awaitReady(Duration.ofSeconds(90));
        proxy = TcpProxy.to(gatehouse.port());

        try (ServerSocket socket = new ServerSocket(0)) {
            exampleUri = "http://127.0.0.1:" + socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("examples", "resource-server", "target", "quarkus-app", "quarkus-run.jar").toString()))
                .redirectErrorStream(true).redirectOutput(APP_LOG.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("GATEHOUSE_") || key.startsWith("QUARKUS_")
                || key.startsWith("MP_JWT_") || key.startsWith("SMALLRYE_JWT_"));
        builder.environment().put("QUARKUS_HTTP_PORT", exampleUri.substring(exampleUri.lastIndexOf(':') + 1));
        // everything through the proxy: the key set and the feed
        builder.environment().put("GATEHOUSE_JWKS_URL", proxy.uri() + "/.well-known/jwks.json");
        builder.environment().put("GATEHOUSE_ISSUER", "https://auth.feed.test");
        builder.environment().put("GATEHOUSE_AUDIENCE", "feed-test");
        builder.environment().put("GATEHOUSE_URL", proxy.uri());
        builder.environment().put("GATEHOUSE_REVOCATION_FEED_SECRET", FEED_SECRET);
        example = builder.start();
        awaitHealth(200, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (example != null) {
            example.destroy();
            example.waitFor(20, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
        }
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void aRevocationWhileTheFeedIsCutIsCaughtUpWhenItIsBack() throws Exception {
        Map<String, String> session = signIn(gatehouse);
        assertEquals(200, orders(session.get("accessToken")));
        proxy.cut();
        awaitHealth(503, Duration.ofSeconds(10)); // 5 s of silence: DOWN

        logout(gatehouse, session.get("refreshToken"));
        // fail-open: unheard of, the revocation cannot be known here yet
        assertEquals(200, orders(session.get("accessToken")));

        proxy.restore();
        awaitRefused(session.get("accessToken"), Duration.ofSeconds(5));
        awaitHealth(200, Duration.ofSeconds(5));
        // what was caught up is applied once: the example's last seq is the feed's newest
        assertEquals(feedCursor(gatehouse), health().path("checks").get(0).path("data").path("lastSeq").asText());
    }

    @Test
    void afterGatehouseRestartsTheFeedIsFollowedAgain() throws Exception {
        Map<String, String> session = signIn(gatehouse);
        assertEquals(200, orders(session.get("accessToken")));
        gatehouse.close();
        gatehouse = PackagedApp.start(gatehouseEnv);
        gatehouse.awaitReady(Duration.ofSeconds(90));
        proxy.retarget(gatehouse.port());

        logout(gatehouse, session.get("refreshToken"));
        awaitRefused(session.get("accessToken"), Duration.ofSeconds(5));
    }

    @Test
    void aRevocationOnAnotherInstanceReachesTheExampleWithinASecond() throws Exception {
        try (PackagedApp other = PackagedApp.start(gatehouseEnv)) {
            other.awaitReady(Duration.ofSeconds(90));
            Map<String, String> session = signIn(other);
            assertEquals(200, orders(session.get("accessToken")));
            logout(other, session.get("refreshToken"));
            awaitRefused(session.get("accessToken"), Duration.ofSeconds(1));
        }
    }

    private static Map<String, String> signIn(PackagedApp instance) {
        String email = "feed-" + UUID.randomUUID() + "@feed.test";
        given().baseUri(instance.baseUri()).contentType(ContentType.JSON).body(Map.of("email", email, "password", PASSWORD))
                .post("/api/auth/register").then().statusCode(201);
        io.restassured.response.Response login = given().baseUri(instance.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD)).post("/api/auth/login");
        login.then().statusCode(200);
        return Map.of("accessToken", login.path("accessToken"), "refreshToken", login.path("refreshToken"));
    }

    private static void logout(PackagedApp instance, String refreshToken) {
        given().baseUri(instance.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/logout").then().statusCode(204);
    }

    private static int orders(String token) {
        return given().baseUri(exampleUri).auth().oauth2(token).get("/api/orders").statusCode();
    }

    private static void awaitRefused(String token, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (orders(token) != 401) {
            if (System.nanoTime() > deadline) {
                fail("the revoked token was still accepted after " + timeout + "; example log: " + ResourceServerIT.read(APP_LOG));
            }
            Thread.sleep(10);
        }
    }

    private static String feedCursor(PackagedApp instance) {
        String cursor = "0";
        while (true) {
            io.restassured.response.Response page = given().baseUri(instance.baseUri()).auth().oauth2(FEED_SECRET)
                    .queryParam("after", cursor).get("/api/revocations");
            page.then().statusCode(200);
            cursor = page.path("cursor");
            if (!Boolean.TRUE.equals(page.path("more"))) {
                return cursor;
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode health() throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(given().baseUri(exampleUri).get("/q/health/ready").asString());
    }

    private static void awaitHealth(int status, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            if (!example.isAlive()) {
                fail("the example exited: " + ResourceServerIT.read(APP_LOG));
            }
            try {
                last = client.send(HttpRequest.newBuilder(URI.create(exampleUri + "/q/health/ready")).timeout(Duration.ofSeconds(1))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        fail("the example's readiness stayed " + last + ", not " + status + ": " + ResourceServerIT.read(APP_LOG));
    }
}
