package dev.gatehouse.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.ops.StoragePurge;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/revocation-feed.md: the facts, their order, pages, the stream and the secrets. */
@QuarkusTest
@TestProfile(RevocationFeedTest.FeedOn.class)
class RevocationFeedTest {

    static final String SECRET = "feed secret of the tests and 32 bytes or more";
    static final String OTHER_SECRET = "a second feed secret during a rotation";
    static final ObjectMapper JSON = new ObjectMapper();

    public static class FeedOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.revocation-feed.secrets", SECRET + "," + OTHER_SECRET);
        }
    }

    @Inject
    Db db;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    StoragePurge purge;
    @io.quarkus.test.common.http.TestHTTPResource(value = "metrics", management = true)
    java.net.URL metricsUrl;

    static Response page(String after) {
        var request = given().auth().oauth2(SECRET);
        if (after != null) {
            request.queryParam("after", after);
        }
        return request.get("/api/revocations");
    }

    /** Every event after {@code after}, following the pages; returns them, the last cursor last. */
    static List<JsonNode> all(String after) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        String cursor = after;
        while (true) {
            Response response = page(cursor);
            response.then().statusCode(200);
            JsonNode body = JSON.readTree(response.asString());
            body.path("events").forEach(events::add);
            cursor = body.path("cursor").asText();
            if (!body.path("more").asBoolean()) {
                events.add(JSON.createObjectNode().put("cursor", cursor));
                return events;
            }
        }
    }

    static String cursorOf(List<JsonNode> events) {
        return events.get(events.size() - 1).path("cursor").asText();
    }

    static String latestCursor() throws Exception {
        return cursorOf(all(null));
    }

    static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    @Test
    void onlyAListedSecretOpensTheFeed() {
        given().get("/api/revocations").then().statusCode(401).body("code", equalTo("invalid_token"))
                .header("WWW-Authenticate", equalTo("Bearer"));
        given().auth().oauth2("not the secret at all but long enough").get("/api/revocations").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        given().auth().oauth2(SECRET + "x").get("/api/revocations").then().statusCode(401);
        given().header("Authorization", SECRET).get("/api/revocations").then().statusCode(401);
        given().auth().oauth2(SECRET).get("/api/revocations").then().statusCode(200);
        given().auth().oauth2(OTHER_SECRET).get("/api/revocations").then().statusCode(200);
        given().get("/api/revocations/stream").then().statusCode(401).body("code", equalTo("invalid_token"));
        for (String bad : List.of("-1", "abc", "1.5", "01", "99999999999999999999")) {
            page(bad).then().statusCode(400).body("code", equalTo("validation_failed"));
        }
    }

    @Test
    void revocationsBecomeFactsInTheirOrder() throws Exception {
        String start = latestCursor();
        Api.Account account = Api.register();
        Api.Tokens first = Api.login(account);
        Api.Tokens second = Api.login(account);
        Api.Tokens third = Api.login(account);
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", first.refreshToken())).post("/api/auth/logout")
                .then().statusCode(204);
        given().auth().oauth2(second.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("currentPassword", Api.PASSWORD, "newPassword", "another horse battery"))
                .post("/api/auth/password").then().statusCode(204);

        List<JsonNode> events = all(start);
        events.remove(events.size() - 1);
        JsonNode logout = events.stream().filter(e -> first.sessionId().equals(e.path("sid").asText())).findFirst().orElseThrow();
        assertEquals("session", logout.path("kind").asText());
        assertFalse(logout.has("sub"));
        assertTrue(logout.path("at").asText().endsWith("Z"), logout.toString());
        JsonNode user = events.stream().filter(e -> account.id().equals(e.path("sub").asText())).reduce((a, b) -> b).orElseThrow();
        assertEquals("user", user.path("kind").asText());
        // the password change's new stamp: a new login's token carries it, the old ones another
        String newStamp = claims(Api.login(new Api.Account(account.email(), "another horse battery", account.id()))
                .accessToken()).path("stamp").asText();
        assertEquals(newStamp, user.path("stamp").asText());
        assertFalse(newStamp.equals(claims(second.accessToken()).path("stamp").asText()));
        // the password change revoked the other session, not the caller's
        assertTrue(events.stream().anyMatch(e -> third.sessionId().equals(e.path("sid").asText())));
        assertTrue(events.stream().noneMatch(e -> second.sessionId().equals(e.path("sid").asText())));
        long previous = Long.parseLong(start);
        for (JsonNode event : events) {
            assertTrue(event.path("seq").asLong() > previous, "seq rises: " + events);
            previous = event.path("seq").asLong();
        }
    }

    @Test
    void aFactThatCommitsLateIsServedAfterTheCursorThatPassedItsNumber() throws Exception {
        String start = latestCursor();
        UUID late = UUID.randomUUID();
        try (Connection held = dataSource.getConnection()) {
            held.setAutoCommit(false);
            try (PreparedStatement insert = held.prepareStatement(
                    "insert into revocation_facts (kind, sid, at) values ('session', ?, now())")) {
                insert.setObject(1, late);
                insert.executeUpdate(); // its row exists (and its id is lower) but it has not committed
            }
            Api.Tokens tokens = Api.login(Api.register());
            given().contentType(ContentType.JSON).body(Map.of("refreshToken", tokens.refreshToken())).post("/api/auth/logout")
                    .then().statusCode(204);
            List<JsonNode> before = all(start);
            assertTrue(before.stream().anyMatch(e -> tokens.sessionId().equals(e.path("sid").asText())));
            assertTrue(before.stream().noneMatch(e -> late.toString().equals(e.path("sid").asText())));
            String passed = cursorOf(before);

            held.commit();

            List<JsonNode> after = all(passed);
            assertTrue(after.stream().anyMatch(e -> late.toString().equals(e.path("sid").asText())),
                    "the late fact comes after the cursor that was handed out before it committed: " + after);
        }
    }

    @Test
    void readersFollowingCursorsDuringParallelRevocationsMissNothing() throws Exception {
        String start = latestCursor();
        int sessions = 24;
        List<Api.Tokens> tokens = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            tokens.add(Api.login(Api.register()));
        }
        AtomicBoolean done = new AtomicBoolean();
        List<Set<String>> seen = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Set<String> mine = java.util.Collections.synchronizedSet(new HashSet<>());
            seen.add(mine);
            Thread reader = new Thread(() -> {
                String cursor = start;
                try {
                    boolean last = false;
                    while (!last) {
                        last = done.get();
                        List<JsonNode> events = all(cursor);
                        cursor = cursorOf(events);
                        events.forEach(e -> mine.add(e.path("sid").asText()));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            readers.add(reader);
            reader.start();
        }
        Parallel.run(sessions, i -> given().contentType(ContentType.JSON).body(Map.of("refreshToken", tokens.get(i).refreshToken()))
                .post("/api/auth/logout").then().statusCode(204));
        done.set(true);
        for (Thread reader : readers) {
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (Set<String> mine : seen) {
            for (Api.Tokens t : tokens) {
                assertTrue(mine.contains(t.sessionId()), "a reader following cursors missed " + t.sessionId());
            }
        }
    }

    @Test
    void pagesHoldAThousandEventsAndOldFactsAreNotServed() throws Exception {
        String start = latestCursor();
        db.update("insert into revocation_facts (kind, sid, at) select 'session', gen_random_uuid(), now() from generate_series(1, 1100)");
        db.update("insert into revocation_facts (kind, sid, at) values ('session', gen_random_uuid(), now() - interval '16 minutes')");
        JsonNode first = JSON.readTree(page(start).then().statusCode(200).extract().asString());
        assertEquals(1000, first.path("events").size());
        assertTrue(first.path("more").asBoolean());
        assertEquals(first.path("events").get(999).path("seq").asText(), first.path("cursor").asText());
        JsonNode second = JSON.readTree(page(first.path("cursor").asText()).then().statusCode(200).extract().asString());
        assertEquals(100, second.path("events").size(), "the fact older than the access-token ttl and skew is not served");
        assertFalse(second.path("more").asBoolean());
        JsonNode empty = JSON.readTree(page(second.path("cursor").asText()).then().statusCode(200).extract().asString());
        assertEquals(0, empty.path("events").size());
        assertEquals(second.path("cursor").asText(), empty.path("cursor").asText());

        assertTrue(purge.purgeRevocationFacts() >= 1);
        assertEquals(0L, db.count("select count(*) from revocation_facts where at < now() - interval '15 minutes 30 seconds'"));
    }

    @Test
    void theStreamReplaysThenPushesWithinASecondAndResumesFromLastEventId() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/revocations/stream");
        Api.Tokens before = Api.login(Api.register());
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", before.refreshToken())).post("/api/auth/logout")
                .then().statusCode(204);
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(100_000);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SECRET)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = reader(response.body(), lines);
        try {
            // without Last-Event-ID: every retained fact first, the one just made among them
            assertNotNull(awaitData(lines, before.sessionId(), Duration.ofSeconds(5)));
            assertTrue(dev.gatehouse.support.Metrics.value(dev.gatehouse.support.Metrics.scrape(metricsUrl),
                    "gatehouse_revocation_feed_subscribers", "") >= 1, "the open stream is counted");
            Api.Tokens live = Api.login(Api.register());
            long revoked = System.nanoTime();
            given().contentType(ContentType.JSON).body(Map.of("refreshToken", live.refreshToken())).post("/api/auth/logout")
                    .then().statusCode(204);
            String[] event = awaitData(lines, live.sessionId(), Duration.ofSeconds(5));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revoked);
            assertTrue(millis < 1000, "pushed after " + millis + " ms");
            assertEquals("revocation", event[1]);
            // idle: a comment line at least every 5 s
            lines.clear();
            String comment = lines.poll(5, TimeUnit.SECONDS);
            assertNotNull(comment, "no heartbeat within 5 s");
            assertTrue(comment.startsWith(":"), comment);

            // a reconnect with Last-Event-ID gets only what followed
            Api.Tokens later = Api.login(Api.register());
            given().contentType(ContentType.JSON).body(Map.of("refreshToken", later.refreshToken())).post("/api/auth/logout")
                    .then().statusCode(204);
            BlockingQueue<String> resumed = new ArrayBlockingQueue<>(100_000);
            HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SECRET)
                    .header("Last-Event-ID", event[0]).build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread second = reader(again.body(), resumed);
            try {
                assertNotNull(awaitData(resumed, later.sessionId(), Duration.ofSeconds(5)));
                List<String> ids = new ArrayList<>();
                resumed.forEach(line -> {
                    if (line.startsWith("id:")) {
                        ids.add(line.substring(3).trim());
                    }
                });
                assertFalse(ids.contains(event[0]), "the event of Last-Event-ID is not sent again");
            } finally {
                second.interrupt();
                again.body().close();
            }
        } finally {
            reader.interrupt();
            response.body().close();
        }
    }

    private static Thread reader(InputStream body, BlockingQueue<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
            } catch (Exception closed) {
                // the test closed the stream
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for the event whose data names {@code sid}; returns its id and event name. */
    private static String[] awaitData(BlockingQueue<String> lines, String sid, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String id = null;
        String name = null;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            if (line == null) {
                break;
            }
            if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:") && line.contains(sid)) {
                JsonNode data = JSON.readTree(line.substring(5).trim());
                assertEquals(id, data.path("seq").asText(), "id: is the event's seq");
                return new String[] {id, name};
            }
        }
        return null;
    }
}
