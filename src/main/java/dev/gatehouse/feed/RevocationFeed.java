package dev.gatehouse.feed;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The feed's order and its pages (docs/revocation-feed.md "Order"). Facts are written unnumbered by the revoking
 * transactions; {@link #sequence()} numbers the committed ones, one sequencer at a time across all instances, so a
 * fact's {@code seq} is given after it committed and in the order the sequencers commit. A reader that sees
 * {@code seq} n therefore sees every fact below n: none can commit late into a gap behind a cursor.
 */
@Singleton
public class RevocationFeed {

    /** A page holds at most this many events; {@code more} says whether others follow. */
    static final int PAGE = 1000;

    /*
     * The sequencer, two statements in one transaction. The transaction-scoped advisory lock makes sequencers (on
     * any instance) run one after the other until commit. The update runs after the lock is held, so its snapshot
     * (read committed: one per statement) shows every earlier sequencer's numbers and every fact committed by then;
     * a fact whose transaction is still open is invisible and gets a higher number from a later sequencer. Key: a
     * constant that no other lock in the database uses.
     */
    private static final String LOCK = "select cast(pg_advisory_xact_lock(7263518934411002001) as text)";
    private static final String SEQUENCE = """
            update revocation_facts f set seq = n.seq
              from (select id, nextval('revocation_seq') as seq
                      from (select id from revocation_facts where seq is null order by id limit 10000) pending) n
             where f.id = n.id""";
    private static final String NEWEST = "select coalesce(max(seq), 0) from revocation_facts";
    private static final String PAGE_AFTER = """
            select seq, kind, sid, sub, stamp, at from revocation_facts
             where seq > :after and at > :horizon order by seq limit :limit""";

    /** One fact as served (docs/revocation-feed.md "Events"). */
    public record Event(long seq, String kind, Instant at, UUID sid, UUID sub, String stamp) {
    }

    /** {@code cursor}: the last event's {@code seq}, or the one asked for when there is none. */
    public record Page(long cursor, List<Event> events, boolean more) {
    }

    private final Duration retention;
    private final Clock clock;

    RevocationFeed(GatehouseConfig config, Clock clock) {
        // a fact matters while a token issued before it can still be accepted somewhere
        this.retention = config.accessToken().ttl().plus(config.jwt().clockSkew());
        this.clock = clock;
    }

    /** Numbers the facts committed so far; returns how many. */
    public int sequence() {
        return QuarkusTransaction.requiringNew().call(() -> {
            Panache.getEntityManager().createNativeQuery(LOCK).getSingleResult();
            return Panache.getEntityManager().createNativeQuery(SEQUENCE).executeUpdate();
        });
    }

    /** The highest number given so far (0 before any): a stream whose cursor has reached it has nothing to read. */
    public long newest() {
        return QuarkusTransaction.requiringNew().call(() ->
                ((Number) Panache.getEntityManager().createNativeQuery(NEWEST).getSingleResult()).longValue());
    }

    /** The numbered facts after {@code after} that can still matter, at most {@link #PAGE}. */
    public Page page(long after) {
        Instant horizon = clock.instant().minus(retention);
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> Panache.getEntityManager().createNativeQuery(PAGE_AFTER)
                .setParameter("after", after).setParameter("horizon", horizon).setParameter("limit", PAGE + 1)
                .getResultList());
        List<Event> events = new ArrayList<>(Math.min(rows.size(), PAGE));
        for (int i = 0; i < rows.size() && i < PAGE; i++) {
            Object[] row = (Object[]) rows.get(i);
            events.add(new Event(((Number) row[0]).longValue(), (String) row[1], instant(row[5]), (UUID) row[2],
                    (UUID) row[3], (String) row[4]));
        }
        long cursor = events.isEmpty() ? after : events.get(events.size() - 1).seq();
        return new Page(cursor, events, rows.size() > PAGE);
    }

    /** Facts older than this can be deleted: no token they concern is accepted anymore. */
    public Instant horizon() {
        return clock.instant().minus(retention);
    }

    private static Instant instant(Object value) {
        return value instanceof OffsetDateTime time ? time.toInstant() : (Instant) value;
    }
}
