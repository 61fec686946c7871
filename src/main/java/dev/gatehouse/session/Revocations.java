package dev.gatehouse.session;

import dev.gatehouse.common.AfterCommit;
import dev.gatehouse.feed.RevocationFacts;
import dev.gatehouse.ops.AuthMetrics;
import jakarta.inject.Singleton;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.UUID;

/**
 * Announces revocations to every instance within 1 second
 * (docs/tokens.md "Revocation reaches every instance within 1 s"), and to resource servers through the
 * revocation feed (docs/revocation-feed.md). Must be called inside the
 * transaction that makes the change: PostgreSQL delivers the NOTIFY only if that transaction commits,
 * and this instance drops its own cached state right after the commit.
 */
@Singleton
public class Revocations {

    /** Listener heartbeats travel on the same channel; every instance ignores them. */
    static final String HEARTBEAT_PREFIX = "h:";

    /** pg_notify returns void, which no JDBC type maps; as text it is an empty string. */
    private static final String NOTIFY = "select cast(pg_notify(:channel, :message) as text)";

    private final TransactionSynchronizationRegistry transactions;
    private final SessionStates states;
    private final AuthMetrics metrics;
    private final RevocationFacts facts;

    Revocations(TransactionSynchronizationRegistry transactions, SessionStates states, AuthMetrics metrics,
                RevocationFacts facts) {
        this.facts = facts;
        this.transactions = transactions;
        this.states = states;
        this.metrics = metrics;
    }

    /** A session was revoked; {@code reason} is counted in the metrics once the change commits. */
    public void sessionRevoked(UUID sessionId, String reason) {
        facts.sessionRevoked(sessionId); // docs/revocation-feed.md: the feed's fact commits with the revocation
        publish("s:" + sessionId, reason);
    }

    /** A user's stamp, status or roles changed: every cached session of that user is stale. */
    public void userChanged(UUID userId) {
        facts.userChanged(userId);
        publish("u:" + userId, null);
    }

    private void publish(String message, String revocationReason) {
        Session.getEntityManager().createNativeQuery(NOTIFY)
                .setParameter("channel", RevocationListener.CHANNEL).setParameter("message", message).getSingleResult();
        AfterCommit.run(transactions, () -> {
            apply(message, states);
            if (revocationReason != null) {
                metrics.revocation(revocationReason);
            }
        });
    }

    /** Applies one message ("s:&lt;session id&gt;" or "u:&lt;user id&gt;") to the cache; unknown ones clear it. */
    static void apply(String message, SessionStates states) {
        try {
            UUID id = UUID.fromString(message.substring(2));
            if (message.startsWith("s:")) {
                states.invalidateSession(id);
                return;
            }
            if (message.startsWith("u:")) {
                states.invalidateUser(id);
                return;
            }
        } catch (RuntimeException malformed) {
            // fall through: a message we do not understand must not leave stale state behind
        }
        states.invalidateAll();
    }
}
