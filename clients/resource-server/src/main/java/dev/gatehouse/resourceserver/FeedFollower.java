package dev.gatehouse.resourceserver;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.jboss.logging.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows Gatehouse's revocation feed (docs/revocation-feed.md "Following the feed"): on each (re)connection it
 * catches up through {@code GET /api/revocations?after=} until nothing more follows, then reads the stream from the
 * last applied {@code seq}. Every event is applied once, in order. A connection silent for 5 s is dropped and
 * opened again. The feed is fresh while something was heard from it within {@code max-staleness}.
 */
@Singleton
public class FeedFollower {

    private static final Logger LOG = Logger.getLogger(FeedFollower.class);
    /** Gatehouse sends a comment at least every 2 s: 5 s of silence is a dead connection. */
    private static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final RevocationFeedConfig config;
    private final RevocationState state;
    private final Clock clock = Clock.systemUTC();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("gatehouse-feed-watchdog"));
    private volatile boolean running = true;
    private volatile long lastSeq;
    /** System.nanoTime() of the last sign of life from the feed; 0 before the first catch-up. */
    private volatile long heardNanos;
    private volatile InputStream current;
    private volatile int lastStatus;
    private Thread follower;

    FeedFollower(RevocationFeedConfig config, MeterRegistry registry) {
        this.config = config;
        this.state = new RevocationState(config.clockSkew());
        Gauge.builder("gatehouse.revocation.feed.staleness", this, follower -> follower.staleness().toMillis() / 1000.0)
                .baseUnit("seconds").description("Time since the revocation feed was last heard from").register(registry);
        Gauge.builder("gatehouse.revocation.feed.facts", state, RevocationState::size)
                .description("Revocation facts held (revoked sessions and changed stamps)").register(registry);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.warn("gatehouse.revocation-feed.enabled=false: revoked Gatehouse tokens are accepted until they expire");
            return;
        }
        follower = daemon("gatehouse-feed-follower").newThread(this::follow);
        follower.start();
        watchdog.scheduleWithFixedDelay(this::check, 500, 500, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        watchdog.shutdownNow();
        closeCurrent();
        if (follower != null) {
            follower.interrupt();
        }
    }

    /** Whether this token was revoked, as far as the feed has said. */
    boolean refuses(UUID sid, UUID sub, String stamp, Instant issuedAt) {
        return state.refuses(sid, sub, stamp, issuedAt);
    }

    /** Time since the feed was last heard from; unbounded before the first catch-up. */
    Duration staleness() {
        long heard = heardNanos;
        return heard == 0 ? Duration.ofDays(365) : Duration.ofNanos(System.nanoTime() - heard);
    }

    boolean stale() {
        return staleness().compareTo(config.maxStaleness()) > 0;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The last HTTP status the feed answered with (401: the secret is wrong). */
    int lastStatus() {
        return lastStatus;
    }

    int facts() {
        return state.size();
    }

    private void follow() {
        long backoff = 100;
        while (running) {
            try {
                catchUp();
                backoff = 100;
                stream();
            } catch (IOException | RuntimeException e) {
                LOG.debugf("Revocation feed: %s", e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(2000, backoff * 2);
        }
    }

    /** {@code GET /api/revocations?after=} until {@code more} is false. */
    private void catchUp() throws IOException, InterruptedException {
        while (running) {
            HttpResponse<String> page = http.send(request("/api/revocations?after=" + lastSeq).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            lastStatus = page.statusCode();
            if (page.statusCode() != 200) {
                throw new IOException("the feed answered " + page.statusCode());
            }
            JsonObject body = parse(page.body());
            body.getJsonArray("events").forEach(event -> apply(event.asJsonObject()));
            heardNanos = System.nanoTime();
            if (!body.getBoolean("more", false)) {
                return;
            }
        }
    }

    private void stream() throws IOException, InterruptedException {
        HttpRequest.Builder request = request("/api/revocations/stream").header("Accept", "text/event-stream");
        if (lastSeq > 0) {
            request.header("Last-Event-ID", Long.toString(lastSeq));
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        lastStatus = response.statusCode();
        current = response.body();
        if (response.statusCode() != 200) {
            closeCurrent();
            throw new IOException("the stream answered " + response.statusCode());
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String data = null;
            String line;
            while (running && (line = lines.readLine()) != null) {
                heardNanos = System.nanoTime();
                if (line.isEmpty()) {
                    if (data != null) {
                        apply(parse(data));
                    }
                    data = null;
                } else if (line.startsWith("data:")) {
                    data = line.substring(5).trim();
                }
            }
        } finally {
            current = null;
        }
    }

    /** Applies one event once, in order; forgets what is older than the retention. */
    private synchronized void apply(JsonObject event) {
        long seq = event.getJsonNumber("seq").longValue();
        if (seq <= lastSeq) {
            return; // already applied: a replay after a reconnect
        }
        Instant at = Instant.parse(event.getString("at"));
        switch (event.getString("kind", "")) {
            case "session" -> state.sessionRevoked(UUID.fromString(event.getString("sid")), at);
            case "user" -> state.stampChanged(UUID.fromString(event.getString("sub")), event.getString("stamp"), at);
            default -> LOG.debugf("Revocation feed: unknown kind at seq %d", seq);
        }
        lastSeq = seq;
    }

    /** Every 500 ms: a silent stream is cut (the follower reconnects), and old facts are forgotten. */
    private void check() {
        if (current != null && System.nanoTime() - heardNanos > SILENCE_NANOS) {
            closeCurrent();
        }
        state.forgetBefore(clock.instant().minus(config.retention()));
    }

    private void closeCurrent() {
        InputStream stream = current;
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing a broken stream: the follower reconnects either way
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(config.url().replaceAll("/+$", "") + path))
                .header("Authorization", "Bearer " + config.secret());
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
