package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.problem.DatabaseUnavailableException;
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
import java.util.function.BooleanSupplier;

/**
 * The lockout (docs/api.md "Account lockout"), kept in PostgreSQL so every instance agrees. A failure is
 * a wrong password or an unknown email at login, a wrong current password where an account change asks for
 * it, or a wrong TOTP or recovery code (docs/mfa.md), counted alike so the answer never tells a known account from an unknown one.
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
     * last_failure_at is the time of the last real failure: an attempt sets it only once its check fails, so a
     * right password, counted while it is checked and then taken back, never keeps an old run alive.
     */
    private static final String FAILED_AT = "update address_failure_counts set last_failure_at = :now where key_hash = :key";

    /*
     * Takes back an attempt that was not a failure, in one statement per row: minus one, and off with the
     * lock only if it is still the one this attempt set (nothing else can have set one meanwhile: a locked
     * row is not counted). A read, then a write, could undo a lock a parallel failure has just set. Then a
     * row left with no failure and no running lock goes (a second statement: one statement cannot change a
     * row and delete it), so that successes leave no trace in these tables.
     */
    private static final String TAKE_BACK = """
            update %1$s
               set failures = greatest(failures - 1, second_factor_failures - :secondFactor, 0),
                   second_factor_failures = greatest(second_factor_failures - :secondFactor, 0),
                   locked_until = case when locked_until = :ours then null else locked_until end
             where %2$s = :key""";
    private static final String FORGET = """
            delete from %1$s where %2$s = :key and failures = 0 and second_factor_failures = 0 and (locked_until is null or locked_until <= :now)""";
    private static final String[] TAKE_BACK_ADDRESS = {
            TAKE_BACK.formatted("address_failure_counts", "key_hash"), FORGET.formatted("address_failure_counts", "key_hash")};
    private static final String[] TAKE_BACK_ACCOUNT = {
            TAKE_BACK.formatted("account_failure_counts", "email_hash"), FORGET.formatted("account_failure_counts", "email_hash")};

    private final GatehouseConfig.Lockout config;
    private final LockoutStatement statement;
    private final Clock clock;
    private final AuthMetrics metrics;

    LoginLockout(GatehouseConfig config, LockoutStatement statement, Clock clock, AuthMetrics metrics) {
        this.config = config.lockout();
        this.statement = statement;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Starts an attempt to prove a secret of this account from this address: 429 while the account is locked
     * for this address or for every address, whatever the secret (such attempts are not counted); otherwise
     * the attempt is counted as a failure at once, and locks when it reaches a limit. The caller then runs
     * the check through {@link Attempt#check}, and calls {@link Attempt#issuedTokens()} if the answer issues
     * tokens; closing the attempt takes back a right secret, or an error before the check (no verdict was
     * learnt); an error during the check stays counted. The count and the check are one statement
     * ({@link LockoutStatement}) that takes the address row, then the account row; every change takes them
     * in that order, so concurrent attempts cannot deadlock. A wait for those rows that runs out (many
     * parallel attempts on one account; the lock wait's or the statement's timeout) answers 429 with
     * Retry-After 1, not counted.
     */
    public Attempt begin(String normalizedEmail, String clientAddress) {
        return begin(normalizedEmail, clientAddress, Secret.PASSWORD);
    }

    /** What an attempt proves: a password, or a TOTP or recovery code, counted alike but kept apart for a reset. */
    public enum Secret { PASSWORD, SECOND_FACTOR }

    /** {@link #begin(String, String)} for a secret of the given kind. */
    public Attempt begin(String normalizedEmail, String clientAddress, Secret secret) {
        Keys keys = Keys.of(normalizedEmail, clientAddress);
        Instant now = clock.instant();
        LockoutStatement.Counted counted;
        try {
            counted = statement.count(keys.address(), keys.account(), now, now.minus(WINDOW), config.maxFailures(),
                    config.accountMaxFailures(), config.baseDelay(), config.maxDelay(), secret == Secret.SECOND_FACTOR);
        } catch (RuntimeException e) {
            if (DatabaseUnavailableException.isWaitTimeout(e)) {
                // other attempts on this account hold its rows (a statement waits on two rows, so its own
                // timeout can run out before either lock wait's): not counted, try again in a second
                throw new RateLimitedException(1);
            }
            throw e;
        }
        Attempt attempt = new Attempt(keys, secret == Secret.SECOND_FACTOR ? 1 : 0, counted.addressLock(), counted.accountLock());
        if (counted.refused()) {
            if (counted.onAddress()) {
                attempt.takeBackAddressOnly(); // the account is locked: not counted, so the address count goes too
            }
            throw locked(counted.lockedUntil(), now);
        }
        return attempt;
    }

    /**
     * Forgets every failure of the account, from every address, and its locks (docs/api.md "Password reset";
     * an account deletion): in the caller's transaction. Rows written before the account's hash was kept on
     * the per-address rows are not found; they age out within a day.
     */
    public void forgetAccount(String normalizedEmail) {
        byte[] account = Keys.of(normalizedEmail, null).account();
        var entities = AccountFailureCount.getEntityManager();
        entities.createNativeQuery("delete from address_failure_counts where email_hash = :account")
                .setParameter("account", account).executeUpdate();
        entities.createNativeQuery("delete from account_failure_counts where email_hash = :account")
                .setParameter("account", account).executeUpdate();
    }

    /*
     * docs/api.md "Account lockout": a password reset clears the password failures but not the second factor's,
     * so an attacker who can read the owner's mail and knows the password cannot reset the TOTP guesses' count.
     * What is left is the second factor's count, and a lock stands only if that count alone reaches its limit.
     */
    private static final String KEEP_SECOND_FACTOR = """
            update %1$s set failures = second_factor_failures,
                            locked_until = case when second_factor_failures >= :limit then locked_until end
             where email_hash = :account""";
    private static final String FORGET_EMPTY = "delete from %1$s where email_hash = :account and failures = 0";

    /**
     * Forgets the account's password failures, from every address, and the locks they set (docs/api.md
     * "Password reset"), in the caller's transaction; its second-factor failures stay counted.
     */
    public void forgetPasswordFailures(String normalizedEmail) {
        byte[] account = Keys.of(normalizedEmail, null).account();
        var entities = AccountFailureCount.getEntityManager();
        for (String table : new String[] {"address_failure_counts", "account_failure_counts"}) {
            int limit = table.startsWith("address") ? config.maxFailures() : config.accountMaxFailures();
            entities.createNativeQuery(KEEP_SECOND_FACTOR.formatted(table))
                    .setParameter("account", account).setParameter("limit", limit).executeUpdate();
            entities.createNativeQuery(FORGET_EMPTY.formatted(table)).setParameter("account", account).executeUpdate();
        }
    }

    /**
     * One attempt, counted as a failure since {@link #begin}. Closing it (try-with-resources) takes back an
     * attempt whose check found the right secret and issued no tokens, or that ended before its check.
     * Settling after the verdict never fails the request: if the database refuses, the attempt stays
     * counted (the safe side) and a warning is logged.
     */
    public final class Attempt implements AutoCloseable {

        private enum State { STARTED, CHECKING, FAILED, PASSED, SETTLED }

        private final Keys keys;
        /** 1 when it counts as a second-factor failure too, else 0: what a take-back subtracts from that count. */
        private final int secondFactor;
        private final Instant addressLock;
        private final Instant accountLock;
        private State state = State.STARTED;

        private Attempt(Keys keys, int secondFactor, Instant addressLock, Instant accountLock) {
            this.keys = keys;
            this.secondFactor = secondFactor;
            this.addressLock = addressLock;
            this.accountLock = accountLock;
        }

        /**
         * Runs the secret's check and records its verdict: false stays counted as a failure (and a lock it
         * set counts as a lockout); true is taken back when the attempt closes. If the check throws, the
         * attempt stays counted: an error only a wrong secret could reach must not undo the count.
         */
        public boolean check(BooleanSupplier secretIsRight) {
            if (state != State.STARTED) {
                throw new IllegalStateException("one check per attempt");
            }
            state = State.CHECKING;
            boolean right = secretIsRight.getAsBoolean();
            state = right ? State.PASSED : State.FAILED;
            if (!right) {
                settle("record", () -> AddressFailureCount.getEntityManager().createNativeQuery(FAILED_AT)
                        .setParameter("key", keys.address()).setParameter("now", clock.instant()).executeUpdate());
                if (addressLock != null || accountLock != null) {
                    metrics.lockout();
                }
            }
            return right;
        }

        /** An answer that issued tokens starts this address's count over; the account-wide one takes it back. */
        public void issuedTokens() {
            if (state != State.PASSED) {
                throw new IllegalStateException("tokens without a right secret");
            }
            state = State.SETTLED;
            settle("reset", () -> {
                AddressFailureCount.delete("keyHash", keys.address());
                takeBack(TAKE_BACK_ACCOUNT, keys.account(), accountLock);
            });
        }

        /** Takes the attempt back if it found the right secret, or ended before its check. */
        @Override
        public void close() {
            if (state == State.PASSED || state == State.STARTED) {
                settle("take back", () -> {
                    takeBack(TAKE_BACK_ADDRESS, keys.address(), addressLock);
                    takeBack(TAKE_BACK_ACCOUNT, keys.account(), accountLock);
                });
            }
            state = State.SETTLED;
        }

        /** Refused for the account-wide lock after the address row counted it: only that count goes. */
        private void takeBackAddressOnly() {
            state = State.SETTLED;
            settle("take back", () -> takeBack(TAKE_BACK_ADDRESS, keys.address(), addressLock));
        }

        private void settle(String what, Runnable change) {
            try {
                QuarkusTransaction.requiringNew().run(change);
            } catch (RuntimeException e) {
                // no key, no email, no address: only what failed
                LOG.warnf("Lockout: could not %s an attempt's count (%s); it stays counted", what, e.getClass().getName());
            }
        }

        private void takeBack(String[] statements, byte[] key, Instant ours) {
            var entityManager = AddressFailureCount.getEntityManager();
            // without a lock of this attempt's, a time no lock can hold, so the case leaves the lock alone
            entityManager.createNativeQuery(statements[0]).setParameter("key", key)
                    .setParameter("ours", ours == null ? Instant.EPOCH : ours).setParameter("secondFactor", secondFactor)
                    .executeUpdate();
            entityManager.createNativeQuery(statements[1])
                    .setParameter("key", key).setParameter("now", clock.instant()).executeUpdate();
        }
    }

    private static RateLimitedException locked(Instant lockedUntil, Instant now) {
        long millis = lockedUntil == null ? 0 : Duration.between(now, lockedUntil).toMillis();
        return new RateLimitedException(Math.max(1, (millis + 999) / 1000));
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
