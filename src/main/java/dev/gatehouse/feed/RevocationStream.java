package dev.gatehouse.feed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SSE subscribers of this instance (docs/revocation-feed.md "The stream"). One thread sequences the committed
 * facts and sends each subscriber what follows its cursor, in {@code seq} order: at once when a revocation's
 * notification arrives (from any instance, {@link #wake()}), and every 250 ms anyway. A comment line goes to every
 * subscriber at least every 2 s, so that proxies keep the connection and clients can tell a live feed from a dead one.
 */
@Singleton
public class RevocationStream {

    private static final Logger LOG = Logger.getLogger(RevocationStream.class);
    private static final long POLL_MILLIS = 250;
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Events sent to a subscriber and not yet written out; beyond it the subscriber waits (a slow reader). */
    private static final int MAX_IN_FLIGHT = 5000;
    /** Open streams per instance; a stream beyond them is refused with 503 (each costs a connection and memory). */
    static final int MAX_SUBSCRIBERS = 1000;

    private final RevocationFeed feed;
    private final ObjectMapper json;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gatehouse-revocation-feed");
        thread.setDaemon(true);
        return thread;
    });

    /** One open stream: where it is in the feed, and what it has not yet written out. */
    private static final class Subscriber {
        final SseEventSink sink;
        final Sse sse;
        long cursor;
        long lastSentNanos = System.nanoTime();
        final AtomicInteger inFlight = new AtomicInteger();

        Subscriber(SseEventSink sink, Sse sse, long cursor) {
            this.sink = sink;
            this.sse = sse;
            this.cursor = cursor;
        }
    }

    RevocationStream(RevocationFeed feed, ObjectMapper json, MeterRegistry registry) {
        this.feed = feed;
        this.json = json;
        Gauge.builder("gatehouse.revocation.feed.subscribers", subscribers, List::size)
                .description("Open revocation-feed streams on this instance").register(registry);
        pusher.scheduleWithFixedDelay(this::pushIfSubscribed, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A new stream, served from {@code after}: first what is retained after it, then every new fact. */
    void subscribe(SseEventSink sink, Sse sse, long after) {
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            throw new ProblemException(ProblemCode.SERVICE_UNAVAILABLE, "Too many revocation-feed streams are open here.");
        }
        Subscriber subscriber = new Subscriber(sink, sse, after);
        // the answer's headers go out at once, before the first fact
        send(subscriber, sse.newEventBuilder().comment("gatehouse revocation feed").build());
        subscribers.add(subscriber);
        wake();
    }

    /** A revocation was committed on some instance: push now. */
    public void wake() {
        if (pending.compareAndSet(false, true)) {
            pusher.execute(this::pushIfSubscribed);
        }
    }

    private void pushIfSubscribed() {
        pending.set(false);
        if (subscribers.isEmpty()) {
            return;
        }
        try {
            feed.sequence();
            // one look at the newest number, so that a round with nothing new reads nothing per subscriber
            long newest = feed.newest();
            for (Subscriber subscriber : subscribers) {
                if (subscriber.cursor < newest) {
                    push(subscriber, newest);
                }
            }
        } catch (RuntimeException e) {
            // the database is away: the subscribers keep their cursors and get everything on a later round
            LOG.debugf("Revocation feed round failed: %s", e.getClass().getSimpleName());
        }
        long now = System.nanoTime();
        for (Subscriber subscriber : subscribers) {
            if (now - subscriber.lastSentNanos >= HEARTBEAT_NANOS) {
                send(subscriber, subscriber.sse.newEventBuilder().comment("").build());
            }
        }
    }

    /** Sends what follows the subscriber's cursor, up to {@code newest} (every fact up to it has committed). */
    private void push(Subscriber subscriber, long newest) {
        while (!subscriber.sink.isClosed() && subscriber.inFlight.get() < MAX_IN_FLIGHT) {
            RevocationFeed.Page page = feed.page(subscriber.cursor);
            for (RevocationFeed.Event event : page.events()) {
                send(subscriber, subscriber.sse.newEventBuilder().id(Long.toString(event.seq())).name("revocation")
                        .mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, toJson(event)).build());
            }
            subscriber.cursor = page.cursor();
            if (!page.more()) {
                // what lies between the cursor and newest is older than the retention: nothing to send, ever
                subscriber.cursor = Math.max(subscriber.cursor, newest);
                return;
            }
        }
    }

    private void send(Subscriber subscriber, OutboundSseEvent event) {
        if (subscriber.sink.isClosed()) {
            subscribers.remove(subscriber);
            return;
        }
        subscriber.lastSentNanos = System.nanoTime();
        subscriber.inFlight.incrementAndGet();
        subscriber.sink.send(event).whenComplete((ignored, failure) -> {
            subscriber.inFlight.decrementAndGet();
            if (failure != null) {
                subscribers.remove(subscriber); // the client went away
                subscriber.sink.close();
            }
        });
    }

    private String toJson(RevocationFeed.Event event) {
        try {
            return json.writeValueAsString(FeedEvent.of(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        pusher.shutdownNow();
        subscribers.forEach(subscriber -> subscriber.sink.close());
    }
}
