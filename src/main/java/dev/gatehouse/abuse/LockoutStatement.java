package dev.gatehouse.abuse;

import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The start of a lockout attempt (docs/api.md "Account lockout") as one named statement, run in autocommit
 * on the ORM's datasource: the count on both rows, the lock check and the lock itself in one round trip.
 * <p>
 * The race it closes: a check, then the password, then a count, lets every attempt in flight pass the check
 * (20 parallel guesses from one address, 20 verified). Here the attempt counts as a failure when it starts,
 * in the upsert that is also the check: parallel attempts serialize on the (account, address) row and then
 * on the account's row, PostgreSQL re-checks "not locked" against the row each finds after waiting, so no
 * more than max-failures (and account-max-failures) get past it. A locked row is left unchanged and returns
 * nothing: an attempt refused while locked is not counted. Why one autocommit statement: the rows stay
 * locked only while PostgreSQL runs it, never while a thread of ours waits for a core that Argon2id is
 * using, so a queue of parallel attempts drains in milliseconds instead of timing out.
 */
@Singleton
class LockoutStatement {

    /**
     * What the statement did: whether it counted the attempt on each row, the locks it set (null: none), and
     * for a refusal the lock in force. Counted on the address row only (the account row is locked): the
     * caller takes that count back.
     */
    record Counted(boolean onAddress, boolean onAccount, Instant addressLock, Instant accountLock, Instant lockedUntil) {
        boolean refused() {
            return !(onAddress && onAccount);
        }
    }

    /** The count of a run of failures on the address row after this attempt; a run older than WINDOW starts over. */
    private static final String ADDRESS_RUN = "(case when c.last_failure_at < (select window_start from p) then 1 else c.failures + 1 end)";
    private static final String ACCOUNT_RUN = "(case when c.window_start < (select window_start from p) then 1 else c.failures + 1 end)";
    /** Of those, the second factor's (docs/api.md "Account lockout": a password reset keeps them). */
    private static final String ADDRESS_SECOND_FACTOR_RUN = "(case when c.last_failure_at < (select window_start from p) "
            + "then (select second_factor from p) else c.second_factor_failures + (select second_factor from p) end)";
    private static final String ACCOUNT_SECOND_FACTOR_RUN = "(case when c.window_start < (select window_start from p) "
            + "then (select second_factor from p) else c.second_factor_failures + (select second_factor from p) end)";

    /*
     * p holds the parameters once. The address row: the n-th failure of a run at or beyond max-failures
     * locks for base · 2^(n - max), at most max-delay. The account row is counted only if the address row
     * was (exists (select 1 from address)); its window opens with the run's first attempt, and reaching
     * account-max-failures locks it for max-delay. If the account row turns out locked, the address row
     * has been counted: the caller takes that back (see LoginLockout). The last two columns read the locks
     * in force for a refusal's Retry-After (as of the statement's start).
     */
    private static final String COUNT = """
            with p as (
                select ?::bytea as address_key, ?::bytea as account_key, ?::timestamptz as now,
                       ?::timestamptz as window_start, ?::int as max_failures, ?::int as account_max_failures,
                       ?::float8 as base_seconds, ?::float8 as max_seconds, ?::int as second_factor
            ), address as (
                insert into address_failure_counts as c (key_hash, email_hash, failures, second_factor_failures,
                                                         last_failure_at, locked_until)
                select address_key, account_key, 1, second_factor, now,
                       case when max_failures <= 1 then now + make_interval(secs => least(base_seconds, max_seconds)) end
                  from p
                on conflict (key_hash) do update
                   set failures = %1$s,
                       second_factor_failures = %3$s,
                       -- the account's email hash, so its rows can be found by account (rows from before it had none)
                       email_hash = excluded.email_hash,
                       -- a run that starts over starts now: the attempts in flight behind this one count on
                       -- from it (the last failure's time alone moves only once a check fails)
                       last_failure_at = case when c.last_failure_at < (select window_start from p) then (select now from p)
                                              else c.last_failure_at end,
                       locked_until = case when %1$s >= (select max_failures from p)
                           then (select now + make_interval(secs => least(base_seconds * power(2, least(%1$s - max_failures, 30)),
                                                                          max_seconds)) from p)
                           else c.locked_until end
                   where c.locked_until is null or c.locked_until <= (select now from p)
                returning failures, locked_until
            ), account as (
                insert into account_failure_counts as c (email_hash, failures, second_factor_failures, window_start, locked_until)
                select account_key, 1, second_factor, now, case when account_max_failures <= 1 then now + make_interval(secs => max_seconds) end
                  from p where exists (select 1 from address)
                on conflict (email_hash) do update
                   set failures = %2$s,
                       second_factor_failures = %4$s,
                       window_start = case when c.window_start < (select window_start from p) then (select now from p)
                                           else c.window_start end,
                       locked_until = case when %2$s >= (select account_max_failures from p)
                           then (select now + make_interval(secs => max_seconds) from p)
                           else c.locked_until end
                   where c.locked_until is null or c.locked_until <= (select now from p)
                returning failures, locked_until
            )
            select (select failures from address), (select locked_until from address),
                   (select failures from account), (select locked_until from account),
                   (select locked_until from address_failure_counts where key_hash = (select address_key from p)),
                   (select locked_until from account_failure_counts where email_hash = (select account_key from p))
            """.formatted(ADDRESS_RUN, ACCOUNT_RUN, ADDRESS_SECOND_FACTOR_RUN, ACCOUNT_SECOND_FACTOR_RUN);

    /** A fresh read of the locks in force, for a refusal that waited for the attempt that set them. */
    private static final String LOCKS = """
            select (select locked_until from address_failure_counts where key_hash = ?),
                   (select locked_until from account_failure_counts where email_hash = ?)""";

    private final AgroalDataSource dataSource;

    LockoutStatement(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    Counted count(byte[] addressKey, byte[] accountKey, Instant now, Instant windowStart, int maxFailures,
                  int accountMaxFailures, Duration baseDelay, Duration maxDelay, boolean secondFactor) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(COUNT)) {
            int i = 0;
            count.setBytes(++i, addressKey);
            count.setBytes(++i, accountKey);
            count.setObject(++i, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            count.setObject(++i, OffsetDateTime.ofInstant(windowStart, ZoneOffset.UTC));
            count.setInt(++i, maxFailures);
            count.setInt(++i, accountMaxFailures);
            count.setDouble(++i, baseDelay.toMillis() / 1000.0);
            count.setDouble(++i, maxDelay.toMillis() / 1000.0);
            count.setInt(++i, secondFactor ? 1 : 0);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                Integer fromAddress = (Integer) row.getObject(1);
                Instant addressLockedUntil = instant(row, 2);
                Integer onAccount = (Integer) row.getObject(3);
                Instant accountLockedUntil = instant(row, 4);
                Instant addressLock = fromAddress != null && fromAddress >= maxFailures ? addressLockedUntil : null;
                Instant accountLock = onAccount != null && onAccount >= accountMaxFailures ? accountLockedUntil : null;
                Instant lockedUntil = null;
                if (fromAddress == null || onAccount == null) {
                    lockedUntil = latest(instant(row, 5), instant(row, 6));
                    if (lockedUntil == null || !lockedUntil.isAfter(now)) {
                        // set by an attempt this one waited for, after this statement's snapshot
                        lockedUntil = locksNow(connection, addressKey, accountKey);
                    }
                }
                return new Counted(fromAddress != null, onAccount != null, addressLock, accountLock, lockedUntil);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lockout count failed", e); // classified (503, or 429 for a lock wait) by LoginLockout
        }
    }

    private static Instant locksNow(Connection connection, byte[] addressKey, byte[] accountKey) throws SQLException {
        try (PreparedStatement locks = connection.prepareStatement(LOCKS)) {
            locks.setBytes(1, addressKey);
            locks.setBytes(2, accountKey);
            try (ResultSet row = locks.executeQuery()) {
                row.next();
                return latest(instant(row, 1), instant(row, 2));
            }
        }
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
