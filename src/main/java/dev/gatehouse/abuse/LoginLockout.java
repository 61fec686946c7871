package dev.gatehouse.abuse;

import dev.gatehouse.common.Jdbc;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.RateLimitedException;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Per-account progressive lockout (SPEC §6), kept in PostgreSQL so every instance agrees. A failure
 * is a wrong password or an unknown email, counted alike so the answer never tells them apart.
 * After {@code max-failures} in a row the account is locked for {@code base-delay}; each failure
 * after a lock has run out locks again for twice as long, up to {@code max-delay}. A success, or
 * 24 hours without a failure, starts over.
 */
@Singleton
public class LoginLockout {

    static final Duration RESET_AFTER = Duration.ofHours(24);

    private final AgroalDataSource dataSource;
    private final GatehouseConfig.Lockout config;
    private final Clock clock;

    LoginLockout(AgroalDataSource dataSource, GatehouseConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config.lockout();
        this.clock = clock;
    }

    /**
     * 429 while the account is locked, whatever the password; such attempts are not counted. One
     * autocommit read. Returns whether the account has failures on record, so that a successful
     * login only pays for {@link #reset} when there is something to reset.
     */
    public boolean checkNotLocked(String normalizedEmail) {
        Instant lockedUntil;
        boolean recorded;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select locked_until from login_attempts where email_hash = ?")) {
            select.setBytes(1, key(normalizedEmail));
            try (ResultSet row = select.executeQuery()) {
                recorded = row.next();
                lockedUntil = recorded ? Jdbc.instant(row, 1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the lockout", e);
        }
        Instant now = clock.instant();
        if (lockedUntil != null && lockedUntil.isAfter(now)) {
            throw new RateLimitedException(secondsUntil(lockedUntil, now));
        }
        return recorded;
    }

    /** Counts a failure; returns true when it locked the account. */
    public boolean recordFailure(String normalizedEmail) {
        byte[] key = key(normalizedEmail);
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            int failures;
            // One upsert: concurrent failures on one account serialize on its row and all count.
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement upsert = connection.prepareStatement("""
                         insert into login_attempts as a (email_hash, failures, last_failure_at) values (?, 1, ?)
                         on conflict (email_hash) do update
                            set failures = case when a.last_failure_at < ? then 1 else a.failures + 1 end,
                                locked_until = case when a.last_failure_at < ? then null else a.locked_until end,
                                last_failure_at = excluded.last_failure_at
                         returning failures""")) {
                upsert.setBytes(1, key);
                upsert.setObject(2, Jdbc.timestamp(now));
                upsert.setObject(3, Jdbc.timestamp(now.minus(RESET_AFTER)));
                upsert.setObject(4, Jdbc.timestamp(now.minus(RESET_AFTER)));
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    failures = row.getInt(1);
                }
                if (failures < config.maxFailures()) {
                    return false;
                }
                try (PreparedStatement lock = connection.prepareStatement(
                        "update login_attempts set locked_until = ? where email_hash = ?")) {
                    lock.setObject(1, Jdbc.timestamp(now.plus(lockDuration(failures))));
                    lock.setBytes(2, key);
                    lock.executeUpdate();
                }
                return true;
            }
        });
    }

    /** A successful login starts over (one autocommit statement). */
    public void reset(String normalizedEmail) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("delete from login_attempts where email_hash = ?")) {
            delete.setBytes(1, key(normalizedEmail));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reset the lockout", e);
        }
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
