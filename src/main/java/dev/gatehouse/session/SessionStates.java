package dev.gatehouse.session;

import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

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
 */
@Singleton
public class SessionStates {

    private static final int MAX_ENTRIES = 100_000;
    /** Safety net if a notification were ever lost while the listener stayed connected. */
    private static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(5);

    private static final long TRUST_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

    /** The session and its user in one round trip. */
    private static final String LOAD = "select s, u from Session s join User u on u.id = s.userId where s.id = ?1";

    private final Map<UUID, SessionState> bySession = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Map<UUID, Flight> inFlight = new ConcurrentHashMap<>();
    private volatile boolean trusted;
    /** When the listener last proved it is connected; the cache is trusted for a bounded time after that. */
    private volatile long confirmedAtNanos;

    /** The cached state if it can be trusted, else null (the caller then loads it blocking). */
    public SessionState cached(UUID sessionId) {
        if (!trustedNow()) {
            return null;
        }
        SessionState state = bySession.get(sessionId);
        if (state != null && System.nanoTime() - state.loadedAtNanos() > MAX_AGE_NANOS) {
            bySession.remove(sessionId, state);
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
            if (bySession.size() >= MAX_ENTRIES) {
                bySession.clear();
            }
            bySession.put(sessionId, state);
            // An invalidation raced with the read: the state may predate it, so do not keep it.
            if (generation.get() != before) {
                bySession.remove(sessionId, state);
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
        bySession.remove(sessionId);
    }

    public void invalidateUser(UUID userId) {
        generation.incrementAndGet();
        bySession.values().removeIf(state -> state.userId().equals(userId));
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        bySession.clear();
    }

    /** Called by the listener: the cache may be used only while notifications can arrive. */
    void trust(boolean listening) {
        generation.incrementAndGet();
        bySession.clear();
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
            return rows.isEmpty() ? null : SessionState.of((Session) rows.get(0)[0], (User) rows.get(0)[1]);
        });
    }
}
