package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.problem.RateLimitedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The lockout (docs/api.md "Account lockout"), kept in PostgreSQL so every instance agrees. A failure is
 * a wrong password or an unknown email at login, or a wrong current password at the password change,
 * counted alike so the answer never tells a known account from an unknown one.
 * <p>
 * Failures count per (account, client address; an IPv6 address as its /64, {@link ClientAddress#bucketKey}): after
 * {@code max-failures} in a row from one address the account is locked <em>for that address</em> for
 * {@code base-delay}; each failure after a lock has run out locks again for twice as long, up to
 * {@code max-delay}. So a stranger's failures lock the stranger out, not the owner. Across every address,
 * {@code account-max-failures} within 24 hours lock the account from everywhere for {@code max-delay},
 * renewed by each further failure. Only an answer that issues tokens resets a count, and only that
 * address's; 24 hours without a failure clear all.
 * <p>
 * An attempt is counted when it starts, by the statement that checks the lock ({@link #begin}), and taken
 * back if it proves not to be a failure: so the limits hold however many guesses are in flight at once.
 */
@Singleton
public class LoginLockout {

    static final Duration WINDOW = Duration.ofHours(24);
    /** No client address at all (a request without a TCP peer): all such requests share one count. */
    private static final String NO_ADDRESS = "unknown";
    private static final Logger LOG = Logger.getLogger(LoginLockout.class);

    /*
     * An attempt counts as a failure from the moment it starts, in one upsert that is also the lock check:
     * parallel attempts serialize on the (account, address) row, so no more than max-failures of them get
     * past it before the lock (a check, then the password, then a count, would let every attempt in flight
     * pass the check: 20 parallel guesses, 20 verified). While the row is locked it is left unchanged and no
     * row comes back. A run of failures older than WINDOW starts over.
     */
    private static final String COUNT_ADDRESS_ATTEMPT = """
            insert into address_failure_counts as c (key_hash, failures, last_failure_at) values (:key, 1, :now)
            on conflict (key_hash) do update
               set failures = case when c.last_failure_at < :windowStart then 1 else c.failures + 1 end,
                   locked_until = case when c.last_failure_at < :windowStart then null else c.locked_until end,
                   last_failure_at = excluded.last_failure_at
               where c.locked_until is null or c.locked_until <= :now
            returning failures""";

    /*
     * The same upsert on the account's row, for the same race across addresses: parallel attempts from many
     * addresses serialize on it and no more than account-max-failures get past it. The window opens with the
     * first failure and lasts WINDOW; the next failure after it opens a new one.
     */
    private static final String COUNT_ACCOUNT_ATTEMPT = """
            insert into account_failure_counts as c (email_hash, failures, window_start) values (:key, 1, :now)
            on conflict (email_hash) do update
               set failures = case when c.window_start < :windowStart then 1 else c.failures + 1 end,
                   window_start = case when c.window_start < :windowStart then excluded.window_start
                                       else c.window_start end
               where c.locked_until is null or c.locked_until <= :now
            returning failures""";

    /*
     * Takes back an attempt that was not a failure, in one statement per row: minus one, and off with the
     * lock only if it is still the one this attempt set (nothing else can have set one meanwhile: a locked
     * row is not counted). A read, then a write, could undo a lock a parallel failure has just set.
     */
    private static final String TAKE_BACK_ADDRESS = """
            update address_failure_counts
               set failures = greatest(failures - 1, 0),
                   locked_until = case when locked_until = :ours then null else locked_until end
             where key_hash = :key""";

    private static final String TAKE_BACK_ACCOUNT = """
            update account_failure_counts
               set failures = greatest(failures - 1, 0),
                   locked_until = case when locked_until = :ours then null else locked_until end
             where email_hash = :key""";

    private final GatehouseConfig.Lockout config;
    private final Clock clock;
    private final AuthMetrics metrics;

    LoginLockout(GatehouseConfig config, Clock clock, AuthMetrics metrics) {
        this.config = config.lockout();
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Starts an attempt to prove a secret of this account from this address: 429 while the account is locked
     * for this address or for every address, whatever the secret (such attempts are not counted); otherwise
     * the attempt is counted as a failure at once, and locks when it reaches a limit. The caller settles it:
     * {@link Attempt#failed()} for a wrong secret, {@link Attempt#issuedTokens()} for an answer that issued
     * tokens, and {@link Attempt#close()} takes back any other outcome (a right secret without tokens, or an
     * error before any verdict). One transaction that takes the address row, then the account row: every
     * change takes them in that order, so concurrent attempts cannot deadlock.
     */
    public Attempt begin(String normalizedEmail, String clientAddress) {
        Keys keys = Keys.of(normalizedEmail, clientAddress);
        Instant now = clock.instant();
        Instant windowStart = now.minus(WINDOW);
        return QuarkusTransaction.requiringNew().call(() -> {
            Integer fromAddress = count(COUNT_ADDRESS_ATTEMPT, keys.address(), now, windowStart);
            if (fromAddress == null) {
                throw locked(AddressFailureCount.<AddressFailureCount>findById(keys.address()).lockedUntil, now);
            }
            Instant addressLock = null;
            if (fromAddress >= config.maxFailures()) {
                addressLock = micros(now.plus(lockDuration(fromAddress)));
                AddressFailureCount.update("lockedUntil = ?1 where keyHash = ?2", addressLock, keys.address());
            }
            Integer onAccount = count(COUNT_ACCOUNT_ATTEMPT, keys.account(), now, windowStart);
            if (onAccount == null) {
                // rolls back this address's count: an attempt refused while locked is not counted
                throw locked(AccountFailureCount.<AccountFailureCount>findById(keys.account()).lockedUntil, now);
            }
            Instant accountLock = null;
            if (onAccount >= config.accountMaxFailures()) {
                // renewed by each further failure while the window's count stays at or over the limit
                accountLock = micros(now.plus(config.maxDelay()));
                AccountFailureCount.update("lockedUntil = ?1 where emailHash = ?2", accountLock, keys.account());
            }
            return new Attempt(keys, addressLock, accountLock);
        });
    }

    /** The n-th lock (n = failures - max + 1) lasts base · 2^(n-1), at most max-delay. */
    Duration lockDuration(int failures) {
        int doublings = Math.min(failures - config.maxFailures(), 30);
        Duration delay = config.baseDelay().multipliedBy(1L << doublings);
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    /**
     * One attempt, counted as a failure since {@link #begin}. Settle it once; closing it (try-with-resources)
     * takes back an attempt that was neither a failure nor issued tokens. Settling after the answer is
     * known never fails the request: if the database refuses, the attempt stays counted (the safe side) and
     * a warning is logged.
     */
    public final class Attempt implements AutoCloseable {

        private final Keys keys;
        private final Instant addressLock;
        private final Instant accountLock;
        private boolean settled;

        private Attempt(Keys keys, Instant addressLock, Instant accountLock) {
            this.keys = keys;
            this.addressLock = addressLock;
            this.accountLock = accountLock;
        }

        /** A wrong secret: it stays counted; a lock it set counts as a lockout. */
        public void failed() {
            settled = true;
            if (addressLock != null || accountLock != null) {
                metrics.lockout();
            }
        }

        /** An answer that issued tokens starts this address's count over; the account-wide one takes it back. */
        public void issuedTokens() {
            settled = true;
            settle("reset", () -> {
                AddressFailureCount.delete("keyHash", keys.address());
                takeBack(TAKE_BACK_ACCOUNT, keys.account(), accountLock);
            });
        }

        /** Takes the attempt back unless it was settled: it was no failure, or ended before any verdict. */
        @Override
        public void close() {
            if (settled) {
                return;
            }
            settled = true;
            settle("take back", () -> {
                takeBack(TAKE_BACK_ADDRESS, keys.address(), addressLock);
                takeBack(TAKE_BACK_ACCOUNT, keys.account(), accountLock);
            });
        }

        private void settle(String what, Runnable change) {
            try {
                QuarkusTransaction.requiringNew().run(change);
            } catch (RuntimeException e) {
                // no key, no email, no address: only what failed
                LOG.warnf("Lockout: could not %s an attempt's count (%s); it stays counted", what, e.getClass().getName());
            }
        }
    }

    private static Integer count(String upsert, byte[] key, Instant now, Instant windowStart) {
        List<?> rows = AddressFailureCount.getEntityManager().createNativeQuery(upsert)
                .setParameter("key", key).setParameter("now", now).setParameter("windowStart", windowStart)
                .getResultList();
        return rows.isEmpty() ? null : ((Number) rows.get(0)).intValue();
    }

    private static void takeBack(String statement, byte[] key, Instant ours) {
        AddressFailureCount.getEntityManager().createNativeQuery(statement)
                // without a lock of this attempt's, a time no lock can hold, so the case leaves the lock alone
                .setParameter("key", key).setParameter("ours", ours == null ? Instant.EPOCH : ours)
                .executeUpdate();
    }

    private static RateLimitedException locked(Instant lockedUntil, Instant now) {
        long millis = lockedUntil == null ? 0 : Duration.between(now, lockedUntil).toMillis();
        return new RateLimitedException(Math.max(1, (millis + 999) / 1000));
    }

    /** As PostgreSQL stores it, so that a take-back recognises the lock it set. */
    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * The row keys: SHA-256 of the normalized email for the account, and of the email, a NUL and the
     * address key for the (account, address) pair. Never the email or the address themselves.
     */
    private record Keys(byte[] account, byte[] address) {

        static Keys of(String normalizedEmail, String clientAddress) {
            byte[] email = normalizedEmail.getBytes(StandardCharsets.UTF_8);
            MessageDigest pair = sha256();
            pair.update(email);
            pair.update((byte) 0);
            // the rate limits' bucket for the address: an IPv4 address as itself, an IPv6 address as its /64
            String address = clientAddress == null || clientAddress.isBlank() ? NO_ADDRESS : ClientAddress.bucketKey(clientAddress);
            pair.update(address.getBytes(StandardCharsets.UTF_8));
            return new Keys(sha256().digest(email), pair.digest());
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
