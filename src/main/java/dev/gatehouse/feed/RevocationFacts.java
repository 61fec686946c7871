package dev.gatehouse.feed;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.UUID;

/**
 * Writes the feed's facts in the caller's transaction, the one that revokes (docs/revocation-feed.md "Events"): they
 * commit with the revocation or not at all. Nothing is written while the feed is off.
 */
@Singleton
public class RevocationFacts {

    private static final String SESSION = "insert into revocation_facts (kind, sid, at) values ('session', :sid, :at)";
    /*
     * The user's stamp as this transaction wrote it. A deleted user has none: a random one stands in, which no
     * token carries, so every token of that sub is dead.
     */
    private static final String USER = """
            insert into revocation_facts (kind, sub, stamp, at)
            select 'user', :sub, coalesce((select security_stamp from users where id = :sub), 'gone-' || gen_random_uuid()), :at""";

    private final boolean enabled;
    private final Clock clock;

    RevocationFacts(GatehouseConfig config, Clock clock) {
        this.enabled = FeedSecrets.configured(config);
        this.clock = clock;
    }

    public void sessionRevoked(UUID sessionId) {
        if (enabled) {
            Panache.getEntityManager().createNativeQuery(SESSION).setParameter("sid", sessionId)
                    .setParameter("at", clock.instant()).executeUpdate();
        }
    }

    /** The user's stamp, status or roles changed: tokens of {@code userId} without its current stamp are dead. */
    public void userChanged(UUID userId) {
        if (enabled) {
            Panache.getEntityManager().createNativeQuery(USER).setParameter("sub", userId)
                    .setParameter("at", clock.instant()).executeUpdate();
        }
    }
}
