package dev.gatehouse.support;

import io.agroal.api.AgroalDataSource;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Direct SQL for tests that assert database state. */
@Singleton
public class Db {

    private final AgroalDataSource dataSource;

    Db(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Makes a registered user an admin the way only the database can (tests need admins; the API has no self-promotion). */
    public void makeAdmin(String userId) {
        update("update users set roles = array['user', 'admin'] where id = ?", java.util.UUID.fromString(userId));
    }

    public long count(String sql, Object... params) {
        return ((Number) single(sql, params)).longValue();
    }

    public Object single(String sql, Object... params) {
        List<Object> rows = column(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row, got " + rows.size() + " for " + sql);
        }
        return rows.get(0);
    }

    /** The first column of every row. */
    public List<Object> column(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            try (ResultSet rows = statement.executeQuery()) {
                List<Object> values = new ArrayList<>();
                while (rows.next()) {
                    values.add(rows.getObject(1));
                }
                return values;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, params);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Holds the user's row lock (as every change of an account takes it) in a transaction of its own until
     * {@code whileLocked} returns, then runs {@code beforeCommit} in that transaction and commits: a test can
     * park a request on the lock and change the user under it.
     */
    public void withUserLocked(java.util.UUID userId, Runnable whileLocked, String... beforeCommit) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement lock = connection.prepareStatement("select 1 from users where id = ? for update")) {
                lock.setObject(1, userId);
                lock.executeQuery().close();
            }
            try {
                whileLocked.run();
                for (String sql : beforeCommit) {
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        statement.setObject(1, userId);
                        statement.executeUpdate();
                    }
                }
                connection.commit();
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many statements of this database wait for a row lock now. */
    public long waitingForLocks() {
        return count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
    }

    private static void bind(PreparedStatement statement, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
