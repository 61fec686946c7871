package dev.gatehouse.problem;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.SystemException;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The database is down, slow or contended: the transaction rolled back (or its outcome is unknown),
 * and the client may retry. Answers 503 {@code service_unavailable} (docs/api.md "Problem codes").
 * {@link #of} is the one place where database failures are classified, by SQLState and by the
 * exception types that carry none.
 */
public final class DatabaseUnavailableException extends RuntimeException {

    /**
     * SQLState classes and codes that mean "try again": 08 connection exception, 53 insufficient
     * resources, 57 operator intervention (statement timeout 57014, server shutting down 57P01-03).
     */
    private static final Set<String> UNAVAILABLE_CLASSES = Set.of("08", "53", "57");
    /** 55P03 lock not available (lock_timeout), 40001 serialization failure, 40P01 deadlock detected. */
    private static final Set<String> UNAVAILABLE_CODES = Set.of("55P03", "40001", "40P01");

    /** Agroal, the datasource's connection pool. */
    private static final String POOL_PACKAGE = "io.agroal.";

    private DatabaseUnavailableException(Throwable cause) {
        super("database unavailable: " + cause.getClass().getSimpleName(), cause, false, false);
    }

    /** The failure as a {@code DatabaseUnavailableException} if anything in its cause chain says so. */
    public static Optional<DatabaseUnavailableException> of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatabaseUnavailableException unavailable) {
                return Optional.of(unavailable);
            }
            if (unavailable(t)) {
                return Optional.of(new DatabaseUnavailableException(failure));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the failure is a wait that ran out: a lock wait ({@code lock_timeout}, SQLState 55P03) or the
     * statement's ({@code statement_timeout}, 57014; several lock waits in one statement can add up to it).
     */
    public static boolean isWaitTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("55P03".equals(sql.getSQLState()) || "57014".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean unavailable(Throwable t) {
        if (t instanceof SQLTransientException) {
            return true;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() == 5) {
            String state = sql.getSQLState();
            return UNAVAILABLE_CLASSES.contains(state.substring(0, 2)) || UNAVAILABLE_CODES.contains(state);
        }
        // The pool's own failures carry no SQLState: no connection could be had (every connection busy,
        // or a new one not made in time; the latter is caused by a TimeoutException).
        return t instanceof SQLException sql && thrownByThePool(sql) || t instanceof TimeoutException
                // The commit itself failed (the connection died or timed out during it). The outcome is then
                // unknown; a retry is safe: a refresh retry gets the same successor (docs/tokens.md "Reuse
                // window"), and logout and revocations are idempotent.
                || t instanceof RollbackException || t instanceof HeuristicMixedException
                || t instanceof HeuristicRollbackException || t instanceof SystemException;
    }

    private static boolean thrownByThePool(SQLException e) {
        StackTraceElement[] frames = e.getStackTrace();
        return e.getSQLState() == null && frames.length > 0 && frames[0].getClassName().startsWith(POOL_PACKAGE);
    }
}
