package dev.gatehouse.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.mfa.TotpCodes;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.TestKeys;
import io.restassured.http.ContentType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The resource-server example ({@code examples/resource-server}) against the packaged Gatehouse:
 * a service configured with {@code mp.jwt.verify.*} accepts real Gatehouse access tokens by their
 * {@code groups}, and refuses forged, foreign-key and expired ones (docs/tokens.md "What resource
 * servers see"); with the clients/resource-server library it refuses revoked ones within a second
 * (docs/revocation-feed.md).
 */
class ResourceServerIT {

    private static final Path EXAMPLE = Path.of("examples", "resource-server");
    private static final Path LIBRARY = Path.of("clients", "resource-server");
    private static final String FEED_SECRET = "resource-server IT revocation feed secret";
    private static final Path PROPAGATION = Path.of("target", "it-logs", "revocation-propagation.txt");
    private static final Path EXAMPLE_JAR = EXAMPLE.resolve(Path.of("target", "quarkus-app", "quarkus-run.jar"));
    private static final Path BUILD_LOG = Path.of("target", "it-logs", "resource-server.log");
    private static final Path APP_LOG = Path.of("target", "it-logs", "resource-server-app.log");

    private static final String ISSUER = "https://auth.resource-server.test";
    private static final String AUDIENCE = "resource-server-test";
    private static final String PASSWORD = "correct horse battery";
    private static final String ADMIN_EMAIL = "admin@resource-server.test";
    private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    // Long enough for one test's requests on a busy 2-core machine, short enough to wait out in
    // anExpiredTokenIsRefused.
    private static final Duration ACCESS_TOKEN_TTL = Duration.ofSeconds(5);
    // The least tolerance SmallRye JWT can be given: it ignores mp.jwt.verify.clock.skew=0 and keeps
    // its default of 60 s (JWTAuthContextInfoProvider only applies values above 0).
    private static final int EXAMPLE_CLOCK_SKEW_SECONDS = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final Base64.Encoder B64_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private static EmbeddedPostgres database;
    private static PackagedApp gatehouse;
    private static Process example;
    private static String exampleUri;

    @BeforeAll
    static void startGatehouseAndTheExample() throws Exception {
        // Built first: a broken example fails here, before a database and two services are started.
        buildTheExampleUnlessUpToDate();

        database = EmbeddedPostgres.start(null, true);
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        env.put("GATEHOUSE_JWT_ISSUER", ISSUER);
        env.put("GATEHOUSE_JWT_AUDIENCE", AUDIENCE);
        env.put("GATEHOUSE_SECRET", TestKeys.serverSecret());
        env.put("GATEHOUSE_ACCESS_TOKEN_TTL", "PT" + ACCESS_TOKEN_TTL.toSeconds() + "S");
        // docs/operations.md "The first admin": the only way to an admin without touching the database.
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // Every test registers and signs in a fresh user from one address.
        env.put("GATEHOUSE_RATE_LIMIT_ENABLED", "false");
        env.put("GATEHOUSE_REVOCATION_FEED_SECRETS", FEED_SECRET);
        gatehouse = PackagedApp.start(env);
        gatehouse.awaitReady(Duration.ofSeconds(90));

        exampleUri = freeUri();
        example = startTheExample(exampleUri, Map.of(), APP_LOG);
        awaitTheExample(example, exampleUri, APP_LOG, Duration.ofSeconds(60));
        awaitHealth(exampleUri, 200, Duration.ofSeconds(20)); // the feed is followed before the first test
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (example != null) {
            example.destroy();
            if (!example.waitFor(20, TimeUnit.SECONDS)) {
                example.destroyForcibly().waitFor();
            }
        }
        if (gatehouse != null) {
            gatehouse.close();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void aUserTokenReadsOrdersAndSaysWhoItIs() {
        User user = register();
        String token = accessToken(user.email(), PASSWORD);

        given().baseUri(exampleUri).auth().oauth2(token).get("/api/orders")
                .then().statusCode(200).body("$", hasSize(2));
        given().baseUri(exampleUri).auth().oauth2(token).get("/api/whoami")
                .then().statusCode(200).body("sub", equalTo(user.id())).body("groups", contains("user"));
    }

    @Test
    void aUserTokenIsForbiddenTheAdminReport() {
        String token = accessToken(register().email(), PASSWORD);

        assertEquals(403, status("/api/admin/report", token), "a valid token without the admin group");
    }

    @Test
    void anAdminTokenReadsTheAdminReport() {
        String token = accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);

        given().baseUri(exampleUri).auth().oauth2(token).get("/api/admin/report").then().statusCode(200);
        given().baseUri(exampleUri).auth().oauth2(token).get("/api/whoami")
                .then().statusCode(200).body("groups", containsInAnyOrder("user", "admin"));
    }

    @Test
    void noTokenIsUnauthorized() {
        for (String path : List.of("/api/orders", "/api/whoami", "/api/admin/report")) {
            assertEquals(401, given().baseUri(exampleUri).get(path).statusCode(), path + " without a token");
        }
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String token = accessToken(register().email(), PASSWORD);
        assertEquals(200, status("/api/orders", token), "the untouched token");

        // The classic forgery: grant yourself admin and keep Gatehouse's signature.
        String[] parts = token.split("\\.");
        ObjectNode claims = claims(token);
        claims.putArray("groups").add("user").add("admin");
        String forged = parts[0] + "." + B64_ENCODER.encodeToString(JSON.writeValueAsBytes(claims)) + "." + parts[2];

        assertEquals(401, status("/api/admin/report", forged), "a payload that no longer matches its signature");
        assertEquals(401, status("/api/orders", forged), "a payload that no longer matches its signature");
    }

    @Test
    void aChangedSignatureIsRefused() {
        String token = accessToken(register().email(), PASSWORD);
        assertEquals(200, status("/api/orders", token), "the untouched token");

        // A character in the middle: all six of its bits are signature bits (the last one's are not all).
        int signatureStart = token.lastIndexOf('.') + 1;
        int at = signatureStart + (token.length() - signatureStart) / 2;
        String changed = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

        assertEquals(401, status("/api/orders", changed), "a changed signature");
    }

    @Test
    void anotherKeyUnderGatehousesKidIsRefused() throws Exception {
        String token = accessToken(register().email(), PASSWORD);
        assertEquals(200, status("/api/orders", token), "the untouched token");

        // Same claims, same kid, same algorithm: only the key is not Gatehouse's published one.
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(token).toString());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(header(token).get("kid").asText());
        jws.setHeader("typ", "JWT");
        jws.setKey(TestKeys.rsa().getPrivate());

        assertEquals(401, status("/api/orders", jws.getCompactSerialization()), "a signature by another key");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = accessToken(register().email(), PASSWORD);
        long exp = claims(token).get("exp").asLong();
        assertEquals(200, status("/api/orders", token), "the fresh token");

        // Refused from exp plus the example's skew on, not a minute later. Polled, because exp is
        // whole seconds after an unknown part of one.
        Instant refusableFrom = Instant.ofEpochSecond(exp + EXAMPLE_CLOCK_SKEW_SECONDS);
        Instant deadline = refusableFrom.plusSeconds(5);
        int status = status("/api/orders", token);
        while (status == 200 && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            status = status("/api/orders", token);
        }
        long answeredAt = System.currentTimeMillis();

        assertEquals(401, status, "the token 5 s past its exp + skew (" + refusableFrom + ")");
        assertTrue(answeredAt >= refusableFrom.toEpochMilli(), "refused at " + Instant.ofEpochMilli(answeredAt)
                + ", before its exp + skew " + refusableFrom + ": refused for another reason than expiry");
    }

    /** docs/mfa.md "Requiring a second factor at a resource server": {@code mfa} in {@code amr}, or 403 and the challenge. */
    @Test
    void paymentMethodsNeedASignInWithASecondFactor() throws Exception {
        User user = register();
        String passwordOnly = accessToken(user.email(), PASSWORD);

        given().baseUri(exampleUri).auth().oauth2(passwordOnly).get("/api/payment-methods").then().statusCode(403)
                .header("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
                        + "error_description=\"A second factor is required\"")
                .body("code", equalTo("insufficient_user_authentication"));
        assertEquals(200, status("/api/orders", passwordOnly), "the rest of the shop needs no second factor");

        String withCode = signInWithTotp(user, passwordOnly);

        given().baseUri(exampleUri).auth().oauth2(withCode).get("/api/payment-methods").then().statusCode(200)
                .body("[0].last4", equalTo("4242"));
        assertEquals("[\"pwd\",\"otp\",\"mfa\"]", claims(withCode).get("amr").toString());
        // the claim is the sign-in's: the password-only session's token still says only pwd
        assertEquals("[\"pwd\"]", claims(passwordOnly).get("amr").toString());
    }

    /**
     * docs/revocation-feed.md: through the feed the example refuses a revoked token within a second, whatever revoked
     * it. 50 logouts give the distribution (written to target/it-logs/revocation-propagation.txt).
     */
    @Test
    void everyKindOfRevocationReachesTheExampleWithinASecond() throws Exception {
        List<Long> millis = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Map<String, String> session = signIn(register().email(), PASSWORD);
            millis.add(refusedAfter(session.get("accessToken"), () -> given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                    .body(Map.of("refreshToken", session.get("refreshToken"))).post("/api/auth/logout").then().statusCode(204)));
        }
        String logoutAll = accessToken(register().email(), PASSWORD);
        millis.add(refusedAfter(logoutAll, () -> given().baseUri(gatehouse.baseUri()).auth().oauth2(logoutAll)
                .post("/api/auth/logout-all").then().statusCode(204)));
        User changing = register();
        String before = accessToken(changing.email(), PASSWORD);
        String current = accessToken(changing.email(), PASSWORD);
        millis.add(refusedAfter(before, () -> given().baseUri(gatehouse.baseUri()).auth().oauth2(current).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", PASSWORD, "newPassword", "another horse battery"))
                .post("/api/auth/password").then().statusCode(204)));
        User suspended = register();
        String theirs = accessToken(suspended.email(), PASSWORD);
        String admin = accessToken(ADMIN_EMAIL, ADMIN_PASSWORD);
        millis.add(refusedAfter(theirs, () -> given().baseUri(gatehouse.baseUri()).auth().oauth2(admin)
                .post("/api/admin/users/" + suspended.id() + "/suspend").then().statusCode(204)));
        // a replay: the session's first refresh token used again after its successor was used
        Map<String, String> replayed = signIn(register().email(), PASSWORD);
        String next = refresh(replayed.get("refreshToken"));
        refresh(next);
        millis.add(refusedAfter(replayed.get("accessToken"), () -> given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("refreshToken", replayed.get("refreshToken"))).post("/api/auth/refresh").then().statusCode(401)));

        List<Long> sorted = millis.stream().sorted().toList();
        String report = String.format("revocation to refusal at the example, %d revocations: p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.size(), sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1),
                sorted.get(sorted.size() - 1));
        Files.writeString(PROPAGATION, report + sorted + "\n", StandardCharsets.UTF_8);
        System.out.print(report);
        assertTrue(sorted.get(sorted.size() - 1) < 1000, report);
        // an untouched token still works
        assertEquals(200, status("/api/orders", accessToken(register().email(), PASSWORD)));
    }

    /** docs/revocation-feed.md "Following the feed": without the feed, fail-open accepts and reports DOWN; fail-closed refuses. */
    @Test
    void aWrongSecretLeavesTheFeedDownAndFailClosedRefusesEveryToken() throws Exception {
        String token = accessToken(register().email(), PASSWORD);
        for (boolean failClosed : new boolean[] {false, true}) {
            String uri = freeUri();
            Path log = APP_LOG.resolveSibling("resource-server-app-wrong-secret-" + failClosed + ".log");
            Process other = startTheExample(uri, Map.of("GATEHOUSE_REVOCATION_FEED_SECRET", "not the feed's secret but long enough",
                    "GATEHOUSE_REVOCATION_FEED_FAIL_CLOSED", String.valueOf(failClosed)), log);
            try {
                awaitTheExample(other, uri, log, Duration.ofSeconds(60));
                awaitHealth(uri, 503, Duration.ofSeconds(10));
                String health = given().baseUri(uri).get("/q/health/ready").then().statusCode(503).extract().asString();
                assertTrue(health.matches("(?s).*\"lastStatus\":\\s*401.*"), health);
                int expected = failClosed ? 401 : 200;
                assertEquals(expected, given().baseUri(uri).auth().oauth2(token).get("/api/orders").statusCode(),
                        "fail-closed=" + failClosed + " with the feed unreachable");
            } finally {
                other.destroy();
                other.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    // --- Gatehouse's API ---

    private record User(String id, String email) {
    }

    private static User register() {
        String email = "user-" + UUID.randomUUID() + "@resource-server.test";
        String id = given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", PASSWORD))
                .post("/api/auth/register")
                .then().statusCode(201).extract().path("id");
        return new User(id, email);
    }

    /**
     * Turns TOTP on for the user (its e-mail marked verified in the database first: this Gatehouse sends no mail)
     * and signs in with the password and a code; returns that sign-in's access token.
     */
    private static String signInWithTotp(User user, String accessToken) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
             PreparedStatement verify = connection.prepareStatement("update users set email_verified = true where email = ?")) {
            verify.setString(1, user.email());
            verify.executeUpdate();
        }
        String secret = given().baseUri(gatehouse.baseUri()).auth().oauth2(accessToken).post("/api/auth/mfa/totp/setup")
                .then().statusCode(200).extract().path("secret");
        long step = TotpCodes.stepAt(Instant.now());
        given().baseUri(gatehouse.baseUri()).auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("code", TotpCodes.forStep(secret, step))).post("/api/auth/mfa/totp/confirm").then().statusCode(200);
        String mfaToken = given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", user.email(), "password", PASSWORD)).post("/api/auth/login")
                .then().statusCode(403).body("code", equalTo("mfa_required")).extract().path("mfaToken");
        // each step is accepted once: the next one's code (accepted up to a step early)
        return given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("mfaToken", mfaToken, "code", TotpCodes.forStep(secret, step + 1))).post("/api/auth/login/mfa")
                .then().statusCode(200).extract().path("accessToken");
    }

    private static Map<String, String> signIn(String email, String password) {
        io.restassured.response.Response login = given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password)).post("/api/auth/login");
        login.then().statusCode(200);
        return Map.of("accessToken", login.path("accessToken"), "refreshToken", login.path("refreshToken"));
    }

    private static String refresh(String refreshToken) {
        return given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/refresh").then().statusCode(200).extract().path("refreshToken");
    }

    /** Checks the token works at the example, revokes, and polls the example until it refuses: the milliseconds that took. */
    private static long refusedAfter(String token, Runnable revoke) throws Exception {
        assertEquals(200, status("/api/orders", token), "accepted before the revocation");
        revoke.run();
        long revoked = System.nanoTime();
        while (status("/api/orders", token) != 401) {
            assertTrue(System.nanoTime() - revoked < TimeUnit.SECONDS.toNanos(3), "still accepted 3 s after the revocation");
            Thread.sleep(5);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked);
    }

    private static String accessToken(String email, String password) {
        return given().baseUri(gatehouse.baseUri()).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password))
                .post("/api/auth/login")
                .then().statusCode(200).extract().path("accessToken");
    }

    // --- the example ---

    private static int status(String path, String token) {
        return given().baseUri(exampleUri).auth().oauth2(token).get(path).statusCode();
    }

    private static ObjectNode claims(String token) throws IOException {
        return (ObjectNode) JSON.readTree(B64_DECODER.decode(token.split("\\.")[1]));
    }

    private static ObjectNode header(String token) throws IOException {
        return (ObjectNode) JSON.readTree(B64_DECODER.decode(token.split("\\.")[0]));
    }

    /** {@code ../../mvnw -B -q package -DskipTests} in the example, unless its jar is newer than its pom and sources. */
    static void buildTheExampleUnlessUpToDate() throws Exception {
        Files.createDirectories(BUILD_LOG.getParent());
        if (!needsBuild()) {
            System.out.println(EXAMPLE_JAR + " is up to date: not rebuilt");
            return;
        }
        // the library first, with its own tests, into the local repository the example resolves it from
        build(LIBRARY, List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "install"));
        build(EXAMPLE, List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "package", "-DskipTests"));
        assertTrue(Files.exists(EXAMPLE_JAR), "the example's build left no " + EXAMPLE_JAR);
    }

    private static void build(Path folder, List<String> command) throws Exception {
        Files.writeString(BUILD_LOG, "\n$ " + String.join(" ", command) + "   (in " + folder + ")\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Duration timeout = Duration.ofMinutes(5);
        long start = System.nanoTime();
        Process build = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(BUILD_LOG.toFile()))
                .start();
        if (!build.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            build.destroyForcibly().waitFor();
            fail("the example's build did not finish within " + timeout + "; output (" + BUILD_LOG + "):\n" + read(BUILD_LOG));
        }
        System.out.printf("%s build: exit %d in %d ms%n", folder, build.exitValue(), (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, build.exitValue(), "the build in " + folder + " failed; output (" + BUILD_LOG + "):\n" + read(BUILD_LOG));
    }

    private static boolean needsBuild() throws IOException {
        if (!Files.exists(EXAMPLE_JAR)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(EXAMPLE_JAR);
        try (Stream<Path> sources = Stream.of(Stream.of(EXAMPLE.resolve("pom.xml"), LIBRARY.resolve("pom.xml")),
                Files.walk(EXAMPLE.resolve("src")), Files.walk(LIBRARY.resolve("src"))).flatMap(x -> x)) {
            return sources.filter(Files::isRegularFile).anyMatch(source -> lastModified(source).compareTo(built) >= 0);
        }
    }

    private static String freeUri() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    /** The example as an operator runs it: {@code java -jar}, configured by environment variables only. */
    private static Process startTheExample(String uri, Map<String, String> extra, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", EXAMPLE_JAR.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Only what this test sets may configure it, not whatever the build's environment carries.
        builder.environment().keySet().removeIf(key -> key.startsWith("GATEHOUSE_") || key.startsWith("QUARKUS_")
                || key.startsWith("MP_JWT_") || key.startsWith("SMALLRYE_JWT_") || key.equals("JWT_CLOCK_SKEW_SECONDS"));
        builder.environment().put("QUARKUS_HTTP_PORT", uri.substring(uri.lastIndexOf(':') + 1));
        builder.environment().put("GATEHOUSE_JWKS_URL", gatehouse.baseUri() + "/.well-known/jwks.json");
        builder.environment().put("GATEHOUSE_ISSUER", ISSUER);
        builder.environment().put("GATEHOUSE_AUDIENCE", AUDIENCE);
        builder.environment().put("JWT_CLOCK_SKEW_SECONDS", String.valueOf(EXAMPLE_CLOCK_SKEW_SECONDS));
        builder.environment().put("GATEHOUSE_URL", gatehouse.baseUri());
        builder.environment().put("GATEHOUSE_REVOCATION_FEED_SECRET", FEED_SECRET);
        builder.environment().putAll(extra);
        return builder.start();
    }

    /** Polls until the example answers HTTP at all; fails with its output if it dies. */
    private static void awaitTheExample(Process process, String uri, Path log, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("the example exited with " + process.exitValue() + ":\n" + read(log));
            }
            try {
                client.send(HttpRequest.newBuilder(URI.create(uri + "/api/orders")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        fail("the example did not answer within " + timeout + ":\n" + read(log));
    }

    /** Polls the example's readiness (the revocation feed's check) until it answers {@code status}. */
    private static void awaitHealth(String uri, int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = given().baseUri(uri).get("/q/health/ready").statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the example's readiness stayed " + last + ", not " + status);
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
