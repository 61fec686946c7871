package dev.gatehouse.problem;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one classification of database failures: by SQLState, wherever in the cause chain. */
class DatabaseUnavailableExceptionTest {

    @Test
    void unavailableStatesAnywhereInTheChainAreClassified() {
        for (String state : new String[] {"08001", "08003", "08006", "57014", "57P01", "53300", "55P03", "40001", "40P01"}) {
            Throwable wrapped = new PersistenceException("wrapped", new IllegalStateException(new SQLException("x", state)));
            assertTrue(DatabaseUnavailableException.of(wrapped).isPresent(), state);
        }
    }

    @Test
    void thePoolsAcquisitionTimeoutIsClassifiedByItsCauseNotItsText() {
        SQLException acquisition = new SQLException("any text at all", new TimeoutException());
        assertTrue(DatabaseUnavailableException.of(new PersistenceException(acquisition)).isPresent());
        // The driver's and the pool's message texts alone no longer decide anything.
        assertFalse(DatabaseUnavailableException.of(new SQLException("This connection has been closed.")).isPresent());
        assertFalse(DatabaseUnavailableException.of(new SQLException("Acquisition timeout while waiting")).isPresent());
    }

    @Test
    void aFailureOfThePoolItselfIsClassifiedByWhereItWasThrown() {
        // Agroal with every connection busy: "Sorry, acquisition timeout!", no SQLState, no cause.
        SQLException busy = new SQLException("any text");
        busy.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.agroal.pool.ConnectionPool",
                "waitAvailableHandler", "ConnectionPool.java", 1)});
        assertTrue(DatabaseUnavailableException.of(new PersistenceException(busy)).isPresent());
        SQLException elsewhere = new SQLException("any text");
        elsewhere.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.postgresql.Driver", "x", null, 1)});
        assertFalse(DatabaseUnavailableException.of(elsewhere).isPresent());
    }

    @Test
    void errorsOfTheRequestOrTheCodeAreNotClassified() {
        for (String state : new String[] {"23505", "23514", "22P02", "42601", "42P01", "XX000", "0800"}) {
            assertFalse(DatabaseUnavailableException.of(new PersistenceException(new SQLException("x", state))).isPresent(), state);
        }
        assertFalse(DatabaseUnavailableException.of(new IllegalStateException("no cause")).isPresent());
    }

    @Test
    void anAlreadyClassifiedFailureIsKept() {
        DatabaseUnavailableException first = DatabaseUnavailableException.of(new SQLException("x", "08006")).orElseThrow();
        assertSame(first, DatabaseUnavailableException.of(new RuntimeException(first)).orElseThrow());
    }
}
