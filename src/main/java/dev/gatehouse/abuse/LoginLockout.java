package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.problem.RateLimitedException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
 */
@Singleton
public class LoginLockout {

    static final Duration WINDOW = Duration.ofHours(24);
    /** No client address at all (a request without a TCP peer): all such requests share one count. */
    private static final String NO_ADDRESS = "unknown";

    /*
     * One upsert: concurrent failures on one (account, address) serialize on its row and all count (a read,
     * then a write, would let two failures read the same count and lose one). A run of failures older than
     * WINDOW starts over.
     */
    private static final String COUNT_ADDRESS_FAILURE = """
            insert into address_failure_counts as c (key_hash, failures, last_failure_at) values (:key, 1, :now)
            on conflict (key_hash) do update
               set failures = case when c.last_failure_at < :windowStart then 1 else c.failures + 1 end,
                   locked_until = case when c.last_failure_at < :windowStart then null else c.locked_until end,
                   last_failure_at = excluded.last_failure_at
            returning failures""";

    /*
     * One upsert, for the same race across addresses: simultaneous failures from many addresses serialize on
     * the account's row and all count towards account-max-failures. The window opens with the first failure
     * and lasts WINDOW; the next failure after it opens a new one.
     */
    private static final String COUNT_ACCOUNT_FAILURE = """
            insert into account_failure_counts as c (email_hash, failures, window_start) values (:key, 1, :now)
            on conflict (email_hash) do update
               set failures = case when c.window_start < :windowStart then 1 else c.failures + 1 end,
                   window_start = case when c.window_start < :windowStart then excluded.window_start
                                       else c.window_start end
            returning failures""";

    private final GatehouseConfig.Lockout config;
    private final Clock clock;
    private final AuthMetrics metrics;

    LoginLockout(GatehouseConfig config, Clock clock, AuthMetrics metrics) {
        this.config = config.lockout();
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * 429 while the account is locked for this address or for every address, whatever the password; such
     * attempts are not counted. Returns whether this address has failures on record, so that a successful
     * login only pays for {@link #reset} when there is something to reset.
     */
    public boolean checkNotLocked(String normalizedEmail, String clientAddress) {
        Keys keys = Keys.of(normalizedEmail, clientAddress);
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            AddressFailureCount fromAddress = AddressFailureCount.findById(keys.address());
            AccountFailureCount onAccount = AccountFailureCount.findById(keys.account());
            Instant lockedUntil = latest(fromAddress == null ? null : fromAddress.lockedUntil,
                    onAccount == null ? null : onAccount.lockedUntil);
            if (lockedUntil != null && lockedUntil.isAfter(now)) {
                throw new RateLimitedException(secondsUntil(lockedUntil, now));
            }
            return fromAddress != null;
        });
    }

    /**
     * Counts a failure from this address and on the account; a count that reaches its limit locks (and
     * counts a lockout in the metrics). One transaction that takes the address row, then the account row:
     * every failure takes them in that order, so concurrent failures cannot deadlock.
     */
    public void recordFailure(String normalizedEmail, String clientAddress) {
        Keys keys = Keys.of(normalizedEmail, clientAddress);
        boolean locked = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            Instant windowStart = now.minus(WINDOW);
            boolean lockedNow = false;
            int fromAddress = count(COUNT_ADDRESS_FAILURE, keys.address(), now, windowStart);
            if (fromAddress >= config.maxFailures()) {
                AddressFailureCount.update("lockedUntil = ?1 where keyHash = ?2", now.plus(lockDuration(fromAddress)),
                        keys.address());
                lockedNow = true;
            }
            int onAccount = count(COUNT_ACCOUNT_FAILURE, keys.account(), now, windowStart);
            if (onAccount >= config.accountMaxFailures()) {
                // renewed by each further failure while the window's count stays at or over the limit
                AccountFailureCount.update("lockedUntil = ?1 where emailHash = ?2", now.plus(config.maxDelay()),
                        keys.account());
                lockedNow = true;
            }
            return lockedNow;
        });
        if (locked) {
            metrics.lockout();
        }
    }

    /** An answer that issued tokens starts this address's count over; the account-wide count stays. */
    public void reset(String normalizedEmail, String clientAddress) {
        byte[] key = Keys.of(normalizedEmail, clientAddress).address();
        QuarkusTransaction.requiringNew().run(() -> AddressFailureCount.delete("keyHash", key));
    }

    /** The n-th lock (n = failures - max + 1) lasts base · 2^(n-1), at most max-delay. */
    Duration lockDuration(int failures) {
        int doublings = Math.min(failures - config.maxFailures(), 30);
        Duration delay = config.baseDelay().multipliedBy(1L << doublings);
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    private static int count(String upsert, byte[] key, Instant now, Instant windowStart) {
        return ((Number) AddressFailureCount.getEntityManager().createNativeQuery(upsert)
                .setParameter("key", key).setParameter("now", now).setParameter("windowStart", windowStart)
                .getSingleResult()).intValue();
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static long secondsUntil(Instant until, Instant now) {
        long millis = Duration.between(now, until).toMillis();
        return Math.max(1, (millis + 999) / 1000);
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
