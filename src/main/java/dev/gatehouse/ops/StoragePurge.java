package dev.gatehouse.ops;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keeps storage bounded (docs/operations.md "Storage purge"): deletes sessions that have been dead
 * (revoked, ended or expired) for longer than the retention, with their token hashes (cascade), old
 * security events, and stale lockout counts; and erases the sealed successors whose reuse window
 * is over (docs/tokens.md "Sealed successor"). Small batches, each its own short transaction, and
 * {@code skip locked}: the purge never makes a login or a refresh wait, and several instances can run
 * it at once.
 */
@Singleton
public class StoragePurge {

    /** What one run deleted. */
    public record Report(long sessions, long events, long lockoutCounts, long sealedSuccessors, long oneTimeSecrets) {
    }

    private static final Logger LOG = Logger.getLogger(StoragePurge.class);
    private static final int MAX_BATCHES_PER_TABLE = 200;

    /*
     * The batch statements are native statements for "skip locked": a row that a login, a refresh
     * or another instance's purge holds is left for the next run instead of waited for. Each reads its
     * batch in the order of the index on its condition, and the outer statement takes the batch as an
     * array of keys: so even the generic plan, which knows neither the cutoff nor the batch size and
     * guesses a tenth of the table, walks that index and the primary key instead of scanning the table
     * (docs/operations.md "Query plans"). A session is dead since it was revoked, or since the earlier of
     * its absolute end and its refresh expiry (the expression the index sessions_dead_since is built on).
     */
    private static final String DEAD_SESSIONS = """
            delete from sessions where id = any(array(
                select id from sessions
                 where coalesce(revoked_at, least(absolute_end, refresh_expires_at)) < :cutoff
                 order by coalesce(revoked_at, least(absolute_end, refresh_expires_at))
                 limit :batch for update skip locked))""";
    private static final String OLD_EVENTS = """
            delete from security_events where id = any(array(
                select id from security_events where at < :cutoff order by at limit :batch for update skip locked))""";
    /*
     * Lockout counts (docs/api.md "Account lockout") older than 24 hours count for nothing (the next failure
     * would start them over) once no lock is running: an (account, address) count from its last failure, an
     * account's count from the start of its window.
     */
    private static final String STALE_ADDRESS_COUNTS = """
            delete from address_failure_counts where key_hash = any(array(
                select key_hash from address_failure_counts
                 where last_failure_at < :cutoff and (locked_until is null or locked_until < :now)
                 order by last_failure_at limit :batch for update skip locked))""";
    private static final String STALE_ACCOUNT_COUNTS = """
            delete from account_failure_counts where email_hash = any(array(
                select email_hash from account_failure_counts
                 where window_start < :cutoff and (locked_until is null or locked_until < :now)
                 order by window_start limit :batch for update skip locked))""";
    /*
     * Mailed one-time secrets (docs/mail.md "No secret at rest") are kept a day past their expiry (the
     * hourly mail cap counts the last hour's, used or not), wrong-code counts a day past their window.
     */
    private static final String OLD_ONE_TIME_SECRETS = """
            delete from one_time_secrets where id = any(array(
                select id from one_time_secrets where expires_at < :cutoff order by expires_at limit :batch for update skip locked))""";
    private static final String STALE_MAIL_REQUESTS = """
            delete from mail_requests where (address_hash, purpose) in (
                select address_hash, purpose from mail_requests
                 where window_start < :cutoff order by window_start limit :batch for update skip locked)""";
    private static final String STALE_CODE_FAILURES = """
            delete from code_failures where (user_id, purpose) in (
                select user_id, purpose from code_failures
                 where window_start < :cutoff order by window_start limit :batch for update skip locked)""";
    /* Passkey ceremonies left unfinished (docs/passkeys.md "Flows"): useless once expired. */
    private static final String EXPIRED_PASSKEY_FLOWS = """
            delete from passkey_flows where id = any(array(
                select id from passkey_flows where expires_at < :cutoff order by expires_at limit :batch for update skip locked))""";
    /* The second step of a login (docs/mfa.md "Signing in"): useless once its 5 minutes are over. */
    private static final String EXPIRED_MFA_CHALLENGES = """
            delete from mfa_challenges where token_hash = any(array(
                select token_hash from mfa_challenges where expires_at < :cutoff order by expires_at limit :batch for update skip locked))""";
    /*
     * A sealed successor is needed only inside the reuse window; after it, it is erased (the rotation
     * of the successor erases it sooner). The cutoff is now minus the window; the partial index
     * refresh_tokens_sealed holds only rows with a sealed value.
     */
    private static final String EXPIRED_SEALS = """
            update refresh_tokens set successor_sealed = null where id = any(array(
                select id from refresh_tokens
                 where rotated_at < :cutoff and successor_sealed is not null
                 order by rotated_at limit :batch for update skip locked))""";

    /*
     * Used DPoP proofs (docs/dpop.md "Each proof once") are useless once no instance would accept them again. One
     * statement, not batches: at most a few minutes of proofs are ever due, and no request locks them.
     */
    private static final String EXPIRED_DPOP_PROOFS = "delete from dpop_proofs where expires_at < :cutoff";

    /*
     * Revocation-feed facts (docs/revocation-feed.md "Retention") matter while a token issued before them can still be
     * accepted: the access-token ttl and the clock skew. Numbered ones only: an unnumbered fact is numbered first.
     */
    private static final String OLD_REVOCATION_FACTS = "delete from revocation_facts where at < :cutoff and seq is not null";

    private final GatehouseConfig.Purge config;
    private final Duration factRetention;
    private final Duration reuseGrace;
    private final Clock clock;

    StoragePurge(GatehouseConfig config, Clock clock) {
        this.config = config.purge();
        this.reuseGrace = config.refreshToken().reuseGrace();
        this.factRetention = config.accessToken().ttl().plus(config.jwt().clockSkew());
        this.clock = clock;
    }

    @Scheduled(every = "${gatehouse.purge.interval:PT10M}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (!config.enabled()) {
            return;
        }
        try {
            Report report = purge();
            if (report.sessions() + report.events() + report.lockoutCounts() + report.sealedSuccessors()
                    + report.oneTimeSecrets() > 0) {
                LOG.infof("Purged %d dead sessions, %d security events, %d lockout counts, %d sealed successors, "
                                + "%d one-time secrets, code counts, passkey flows and second-factor challenges", report.sessions(), report.events(),
                        report.lockoutCounts(), report.sealedSuccessors(), report.oneTimeSecrets());
            }
        } catch (RuntimeException e) {
            // the next run tries again; a database outage must not flood the log with stack traces
            LOG.warnf("Storage purge failed: %s", e.getClass().getSimpleName());
        }
    }

    /**
     * Sealed successors are erased every minute, whether or not the rest of the purge runs: a seal
     * outside its window is only a risk (with a database copy and an old token it opens to a live
     * one), so it lives at most the reuse window and a minute (docs/tokens.md "Sealed successor").
     */
    @Scheduled(every = "60s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void eraseExpiredSeals() {
        try {
            Instant now = clock.instant();
            inBatches(EXPIRED_SEALS, now.minus(reuseGrace.isNegative() ? Duration.ZERO : reuseGrace), null);
        } catch (RuntimeException e) {
            LOG.warnf("Erasing expired sealed successors failed: %s", e.getClass().getSimpleName());
        }
        try {
            purgeDpopProofs();
        } catch (RuntimeException e) {
            LOG.warnf("Deleting expired DPoP proofs failed: %s", e.getClass().getSimpleName());
        }
        try {
            purgeRevocationFacts();
        } catch (RuntimeException e) {
            LOG.warnf("Deleting old revocation-feed facts failed: %s", e.getClass().getSimpleName());
        }
    }

    /** Feed facts older than the access-token ttl and the skew, every minute: the feed holds what can still matter. */
    public long purgeRevocationFacts() {
        Instant cutoff = clock.instant().minus(factRetention);
        return QuarkusTransaction.requiringNew().call(() -> Panache.getEntityManager()
                .createNativeQuery(OLD_REVOCATION_FACTS).setParameter("cutoff", cutoff).executeUpdate());
    }

    /** Used DPoP proofs past their keeping time, every minute whatever gatehouse.purge says: the table stays small. */
    public long purgeDpopProofs() {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> Panache.getEntityManager()
                .createNativeQuery(EXPIRED_DPOP_PROOFS).setParameter("cutoff", now).executeUpdate());
    }

    public Report purge() {
        Instant now = clock.instant();
        Instant sessionCutoff = now.minus(config.sessionRetention());
        Instant eventCutoff = now.minus(config.eventRetention());
        Instant attemptCutoff = now.minus(Duration.ofHours(24));
        long sessions = inBatches(DEAD_SESSIONS, sessionCutoff, null);
        long events = inBatches(OLD_EVENTS, eventCutoff, null);
        long lockoutCounts = inBatches(STALE_ADDRESS_COUNTS, attemptCutoff, now)
                + inBatches(STALE_ACCOUNT_COUNTS, attemptCutoff, now);
        // docs/tokens.md "Sealed successor": erased once the reuse window is over
        long seals = inBatches(EXPIRED_SEALS, now.minus(reuseGrace.isNegative() ? Duration.ZERO : reuseGrace), null);
        long oneTime = inBatches(OLD_ONE_TIME_SECRETS, attemptCutoff, null) + inBatches(STALE_CODE_FAILURES, attemptCutoff, null)
                + inBatches(STALE_MAIL_REQUESTS, attemptCutoff, null) + inBatches(EXPIRED_PASSKEY_FLOWS, now, null)
                + inBatches(EXPIRED_MFA_CHALLENGES, now, null);
        return new Report(sessions, events, lockoutCounts, seals, oneTime);
    }

    private long inBatches(String sql, Instant cutoff, Instant lockedBefore) {
        long total = 0;
        for (int batch = 0; batch < MAX_BATCHES_PER_TABLE; batch++) {
            int deleted = QuarkusTransaction.requiringNew().call(() -> {
                var statement = Panache.getEntityManager().createNativeQuery(sql)
                        .setParameter("cutoff", cutoff).setParameter("batch", config.batchSize());
                if (lockedBefore != null) {
                    statement.setParameter("now", lockedBefore);
                }
                return statement.executeUpdate();
            });
            total += deleted;
            if (deleted < config.batchSize()) {
                break;
            }
        }
        return total;
    }
}
