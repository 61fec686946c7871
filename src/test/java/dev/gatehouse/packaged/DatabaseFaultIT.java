package dev.gatehouse.packaged;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.TestKeys;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/operations.md "Database outages" with a real outage: the embedded PostgreSQL is stopped and
 * restarted (and, separately, frozen with SIGSTOP) while clients keep refreshing. Requests answer 503 problem+json quickly,
 * never 500; readiness goes DOWN; nothing is revoked; the service recovers by itself.
 */
class DatabaseFaultIT {

    private static final int CLIENTS = 4;
    private static Path dataDirectory;
    private static int port;
    private static EmbeddedPostgres database;
    private static PackagedApp app;

    @BeforeAll
    static void start() throws Exception {
        dataDirectory = Files.createTempDirectory("gatehouse-fault-db-");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        database = EmbeddedPostgres.start(dataDirectory.toString(), false, port);
        // The clients below retry a 503 at once, with no back-off, from one address: with refreshes this
        // cheap, they outrun the per-IP refresh limit and rightly get 429s. The limiter is
        // RateLimitTest's subject; here it is off so that every answer is about the database.
        app = PackagedApp.start(Map.of(
                "GATEHOUSE_RATE_LIMIT_ENABLED", "false",
                "QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl(),
                "GATEHOUSE_JWT_ISSUER", "https://auth.fault.test", "GATEHOUSE_JWT_AUDIENCE", "fault",
                "GATEHOUSE_SECRET", TestKeys.serverSecret(),
                "GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString()));
        app.awaitReady(java.time.Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    /** Clients that refresh in a loop, each keeping its newest token, recording every answer. */
    static final class Load implements AutoCloseable {
        final Map<Integer, String> tokens = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<long[]> answers = new ConcurrentLinkedQueue<>(); // {status, millis}
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Load(List<String> initialTokens) {
            RestAssuredConfig config = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.socket.timeout", 10_000).setParam("http.connection.timeout", 2_000));
            for (int i = 0; i < initialTokens.size(); i++) {
                int client = i;
                tokens.put(client, initialTokens.get(i));
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        Response response = given().config(config).baseUri(app.baseUri()).contentType("application/json")
                                .body(Map.of("refreshToken", tokens.get(client))).post("/api/auth/refresh");
                        long millis = (System.nanoTime() - start) / 1_000_000;
                        answers.add(new long[]{response.statusCode(), millis});
                        if (response.statusCode() == 200) {
                            tokens.put(client, response.path("refreshToken"));
                        } else if (response.statusCode() != 503
                                || !response.contentType().startsWith("application/problem+json")
                                || !"service_unavailable".equals(response.path("code"))) {
                            unexpected.add(response.statusCode() + " " + response.asString());
                        }
                    }
                }, "fault-client-" + i);
                threads.add(thread);
                thread.start();
            }
        }

        long count(int status) {
            return answers.stream().filter(a -> a[0] == status).count();
        }

        long slowest(int status) {
            return answers.stream().filter(a -> a[0] == status).mapToLong(a -> a[1]).max().orElse(0);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(15_000);
            }
        }
    }

    private static List<String> signIn() {
        String email = "fault-" + java.util.UUID.randomUUID() + "@example.com";
        given().baseUri(app.baseUri()).contentType("application/json")
                .body(Map.of("email", email, "password", "correct horse battery")).post("/api/auth/register")
                .then().statusCode(201);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            tokens.add(given().baseUri(app.baseUri()).contentType("application/json")
                    .body(Map.of("email", email, "password", "correct horse battery")).post("/api/auth/login")
                    .then().statusCode(200).extract().path("refreshToken"));
        }
        return tokens;
    }

    private static int ready() {
        try {
            return given().baseUri(app.managementUri()).get("/q/health/ready").statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long millisUntil(java.util.function.BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < timeoutMillis) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met within " + timeoutMillis + " ms");
    }

    private static void assertNothingRevoked() throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
             ResultSet row = connection.createStatement().executeQuery(
                     "select (select count(*) from sessions where revoked_at is not null),"
                             + " (select count(*) from security_events where kind = 'replay_detected')")) {
            row.next();
            assertEquals(0, row.getLong(1), "a session was revoked by the outage");
            assertEquals(0, row.getLong(2), "a replay was detected during the outage");
        }
    }

    @Test
    void aStoppedDatabaseGives503AndTheServiceRecoversByItself() throws Exception {
        List<String> tokens = signIn();
        long recoveredAfter;
        try (Load load = new Load(tokens)) {
            Thread.sleep(1000);
            database.stop();
            long downAfter = millisUntil(() -> ready() == 503, 10_000);
            Thread.sleep(3000);
            database = EmbeddedPostgres.start(dataDirectory.toString(), false, port);
            long restartedAt = System.nanoTime();
            millisUntil(() -> ready() == 200, 10_000);
            long before = load.count(200);
            millisUntil(() -> load.count(200) > before + CLIENTS, 10_000);
            recoveredAfter = (System.nanoTime() - restartedAt) / 1_000_000;
            Thread.sleep(500);
            load.close();
            System.out.printf("outage: readiness DOWN after %d ms; %d x 503 (slowest %d ms), %d x 200; refreshes succeed %d ms after the restart%n",
                    downAfter, load.count(503), load.slowest(503), load.count(200), recoveredAfter);
            assertTrue(load.unexpected.isEmpty(), "unexpected answers: " + load.unexpected);
            assertTrue(load.count(503) > 0, "the outage was seen");
            assertTrue(load.slowest(503) < 2500, "503 after " + load.slowest(503) + " ms");
            assertTrue(recoveredAfter < 10_000);
            // every client still holds a working token: nothing was lost or revoked
            for (String token : load.tokens.values()) {
                given().baseUri(app.baseUri()).contentType("application/json").body(Map.of("refreshToken", token))
                        .post("/api/auth/refresh").then().statusCode(200);
            }
        }
        assertNothingRevoked();
    }

    @Test
    void aFrozenDatabaseGives503WithinTwoSecondsAndTheServiceRecovers() throws Exception {
        List<String> tokens = signIn();
        long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
        try (Load load = new Load(tokens)) {
            Thread.sleep(1000);
            signal("-STOP", postmaster);
            try {
                millisUntil(() -> load.count(503) >= CLIENTS, 10_000);
                Thread.sleep(3000);
            } finally {
                signal("-CONT", postmaster);
            }
            long before = load.count(200);
            long recovered = millisUntil(() -> load.count(200) > before + CLIENTS, 10_000);
            load.close();
            System.out.printf("stall: %d x 503 (slowest %d ms); refreshes succeed %d ms after SIGCONT%n",
                    load.count(503), load.slowest(503), recovered);
            assertTrue(load.unexpected.isEmpty(), "unexpected answers: " + load.unexpected);
            assertTrue(load.slowest(503) < 2500, "503 after " + load.slowest(503) + " ms");
            for (String token : load.tokens.values()) {
                given().baseUri(app.baseUri()).contentType("application/json").body(Map.of("refreshToken", token))
                        .post("/api/auth/refresh").then().statusCode(200);
            }
        }
        assertNothingRevoked();
    }

    /** Sends a signal to the postmaster and every backend it forked. */
    private static void signal(String signal, long postmaster) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", signal, Long.toString(postmaster)));
        ProcessHandle.of(postmaster).ifPresent(p -> p.descendants().forEach(d -> command.add(Long.toString(d.pid()))));
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor());
    }
}
