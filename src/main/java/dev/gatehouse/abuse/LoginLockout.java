package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
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
 * Per-account progressive lockout (docs/threat-model.md "Password guessing"), kept in PostgreSQL so
 * every instance agrees. A failure is a wrong password or an unknown email, counted alike so the
 * answer never tells them apart. After {@code max-failures} in a row the account is locked for
 * {@code base-delay}; each failure after a lock has run out locks again for twice as long, up to
 * {@code max-delay}. A success, or 24 hours without a failure, starts over.
 */
@Singleton
public class LoginLockout {

    static final Duration RESET_AFTER = Duration.ofHours(24);

    /*
     * One upsert: concurrent failures on one account serialize on its row and all count (a read, then
     * a write, would let two failures read the same count and lose one). A run of failures older than
     * RESET_AFTER starts over.
     */
    private static final String COUNT_FAILURE = """
            insert into login_attempts as a (email_hash, failures, last_failure_at) values (:key, 1, :now)
            on conflict (email_hash) do update
               set failures = case when a.last_failure_at < :reset then 1 else a.failures + 1 end,
                   locked_until = case when a.last_failure_at < :reset then null else a.locked_until end,
                   last_failure_at = excluded.last_failure_at
            returning failures""";

    private final GatehouseConfig.Lockout config;
    private final Clock clock;

    LoginLockout(GatehouseConfig config, Clock clock) {
        this.config = config.lockout();
        this.clock = clock;
    }

    /**
     * 429 while the account is locked, whatever the password; such attempts are not counted. One
     * read. Returns whether the account has failures on record, so that a successful login only
     * pays for {@link #reset} when there is something to reset.
     */
    public boolean checkNotLocked(String normalizedEmail) {
        LoginAttempt attempts = QuarkusTransaction.requiringNew()
                .call(() -> LoginAttempt.<LoginAttempt>findById(key(normalizedEmail)));
        Instant now = clock.instant();
        if (attempts != null && attempts.lockedUntil != null && attempts.lockedUntil.isAfter(now)) {
            throw new RateLimitedException(secondsUntil(attempts.lockedUntil, now));
        }
        return attempts != null;
    }

    /** Counts a failure; returns true when it locked the account. */
    public boolean recordFailure(String normalizedEmail) {
        byte[] key = key(normalizedEmail);
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            int failures = ((Number) LoginAttempt.getEntityManager().createNativeQuery(COUNT_FAILURE)
                    .setParameter("key", key).setParameter("now", now).setParameter("reset", now.minus(RESET_AFTER))
                    .getSingleResult()).intValue();
            if (failures < config.maxFailures()) {
                return false;
            }
            LoginAttempt.update("lockedUntil = ?1 where emailHash = ?2", now.plus(lockDuration(failures)), key);
            return true;
        });
    }

    /** A successful login starts over. */
    public void reset(String normalizedEmail) {
        byte[] key = key(normalizedEmail);
        QuarkusTransaction.requiringNew().run(() -> LoginAttempt.delete("emailHash", key));
    }
    /** The n-th lock (n = failures - max + 1) lasts base · 2^(n-1), at most max-delay. */
    Duration lockDuration(int failures) {
        int doublings = Math.min(failures - config.maxFailures(), 30);
        Duration delay = config.baseDelay().multipliedBy(1L << doublings);
        return delay.compareTo(config.maxDelay()) > 0 ? config.maxDelay() : delay;
    }

    private static long secondsUntil(Instant until, Instant now) {
        long millis = Duration.between(now, until).toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }

    private static byte[] key(String normalizedEmail) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalizedEmail.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
