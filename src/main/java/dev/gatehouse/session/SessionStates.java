package dev.gatehouse.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.user.User;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-instance cache of {@link SessionState} by session id, so that validating a Bearer request
 * costs no database round trip when nothing changed (docs/tokens.md "Session-state cache").
 * <p>
 * Why it is safe: every revocation and stamp change sends a PostgreSQL NOTIFY on commit, which
 * {@link RevocationListener} turns into {@link #invalidateSession}/{@link #invalidateUser} on every
 * instance within milliseconds. The cache is used only while that listener is connected; when it is
 * not, every request reads the database. A generation counter closes the race where a load that
 * started before a revocation committed would put the old state back after the invalidation.
 * <p>
 * Why it stays cheap as users grow (docs/tokens.md "Cache sizes"): two bounded caches that evict one
 * entry at a time (Caffeine), sessions and users, sized by {@code gatehouse.cache.sessions}. A cached
 * session points at its user's entry, which all of the user's sessions share; it counts only while
 * that very entry is still the cached one. So invalidating a user removes one entry, whatever the
 * cache holds, and the user's sessions read the database again on their next request.
 */
@Singleton
public class SessionStates {

    /** Safety net if a notification were ever lost while the listener stayed connected. */
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private static final long TRUST_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

    /** The session and its user in one round trip. */
    private static final String LOAD = "select s, u from Session s join User u on u.id = s.userId where s.id = ?1";

    private final Cache<UUID, SessionState> sessions;
    private final Cache<UUID, UserState> users;
    private final AtomicLong generation = new AtomicLong();
    private final Map<UUID, Flight> inFlight = new ConcurrentHashMap<>();
    private volatile boolean trusted;
    /** When the listener last proved it is connected; the cache is trusted for a bounded time after that. */
    private volatile long confirmedAtNanos;

    SessionStates(GatehouseConfig config, MeterRegistry registry) {
        int size = config.cache().sessions();
        // maintenance (eviction) on the calling thread: no pool thread, and a full cache never outgrows its bound
        this.sessions = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(MAX_AGE)
                .executor(Runnable::run).recordStats().build();
        this.users = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(MAX_AGE)
                .executor(Runnable::run).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, sessions, "gatehouse_sessions");
        CaffeineCacheMetrics.monitor(registry, users, "gatehouse_users");
    }

    /** The cached state if it can be trusted, else null (the caller then loads it blocking). */
    public SessionState cached(UUID sessionId) {
        if (!trustedNow()) {
            return null;
        }
        SessionState state = sessions.getIfPresent(sessionId);
        // its user was invalidated (or evicted) since: the session's state is not known to be current
        if (state == null || users.getIfPresent(state.userId()) != state.user()) {
            return null;
        }
        return state;
    }

    /**
     * Reads the state from the database (blocking) and caches it when that is safe; null if the
     * session is unknown. Concurrent loads of one session share one read (when the cache is not
     * trusted, e.g. its listener lags under load, 32 parallel requests then cost one query, not
     * 32 that exhaust the pool), but only a read that started after the latest invalidation.
     */
    public SessionState load(UUID sessionId) {
        long before = generation.get();
        Flight mine = new Flight(before, new CompletableFuture<>());
        Flight running = inFlight.putIfAbsent(sessionId, mine);
        if (running != null) {
            return running.generation() == before ? running.join() : loadNow(sessionId, before);
        }
        try {
            SessionState state = loadNow(sessionId, before);
            mine.result().complete(state);
            return state;
        } catch (RuntimeException e) {
            mine.result().completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(sessionId, mine);
        }
    }

    private SessionState loadNow(UUID sessionId, long before) {
        SessionState state = read(sessionId);
        if (state != null && trustedNow()) {
            // share the user's cached entry while it says what the database said; else this read replaces it
            UserState read = state.user();
            UserState user = users.asMap().compute(read.userId(), (id, cached) -> read.equals(cached) ? cached : read);
            SessionState entry = state.withUser(user);
            sessions.put(sessionId, entry);
            // An invalidation raced with the read: the state may predate it, so do not keep it.
            if (generation.get() != before) {
                sessions.asMap().remove(sessionId, entry);
                if (user == read) { // only an entry this read put: a shared one is its putter's to check
                    users.asMap().remove(user.userId(), user);
                }
            }
        }
        return state;
    }

    /** A database read of one session's state under way, and the generation it started in. */
    private record Flight(long generation, CompletableFuture<SessionState> result) {
        SessionState join() {
            try {
                return result.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    public void invalidateSession(UUID sessionId) {
        generation.incrementAndGet();
        sessions.invalidate(sessionId);
    }

    /** One entry, however many the cache holds: the user's sessions no longer match it (see {@link #cached}). */
    public void invalidateUser(UUID userId) {
        generation.incrementAndGet();
        users.invalidate(userId);
    }

    /** For a message that cannot be understood, and when the listener (re)connects: not when the cache fills. */
    public void invalidateAll() {
        generation.incrementAndGet();
        sessions.invalidateAll();
        users.invalidateAll();
    }

    /** Called by the listener: the cache may be used only while notifications can arrive. */
    void trust(boolean listening) {
        invalidateAll();
        confirmedAtNanos = System.nanoTime() - TRUST_WINDOW_NANOS; // trusted only after the first heartbeat
        trusted = listening;
    }

    /**
     * Called by the listener when a heartbeat sent at {@code sentAtNanos} came back: every
     * notification committed before that moment has been applied.
     */
    void confirm(long sentAtNanos) {
        confirmedAtNanos = sentAtNanos;
    }

    /** Entries held now (both caches, after pending evictions): for tests and the size figures in docs/. */
    long[] estimatedSizes() {
        sessions.cleanUp();
        users.cleanUp();
        return new long[] {sessions.estimatedSize(), users.estimatedSize()};
    }

    /**
     * A revocation must reach every instance within 1 s (docs/tokens.md "Session-state cache", trust
     * window): a listener that has not proved its connection for longer than that (a silent network partition) stops the cache from being used.
     */
    private boolean trustedNow() {
        return trusted && System.nanoTime() - confirmedAtNanos < TRUST_WINDOW_NANOS;
    }

    private static SessionState read(UUID sessionId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Object[]> rows = Session.getEntityManager().createQuery(LOAD, Object[].class)
                    .setParameter(1, sessionId).getResultList();
            return rows.isEmpty() ? null : SessionState.of((Session) rows.get(0)[0], UserState.of((User) rows.get(0)[1]));
        });
    }
}
