package dev.gatehouse.session;

import dev.gatehouse.feed.RevocationStream;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one dedicated connection that LISTENs for revocations committed by any instance and applies
 * them to {@link SessionStates}. About every 250 ms a heartbeat notification to itself proves that
 * notifications still arrive: the cache is trusted only for a bounded time after the last proof (see
 * {@link SessionStates}), so a lost connection costs database reads, never a missed revocation.
 */
@Singleton
public class RevocationListener {

    static final String CHANNEL = "gatehouse_revocations";
    private static final Logger LOG = Logger.getLogger(RevocationListener.class);
    private static final int POLL_MILLIS = 250;
    private static final long RETRY_MILLIS = 1000;
    private static final long HEARTBEAT_TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String DRIVER_PROPERTIES = "quarkus.datasource.jdbc.additional-jdbc-properties.";

    private final SecureRandom nonces = new SecureRandom();

    private final SessionStates states;
    private final boolean enabled;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    private final RevocationStream feed;

    RevocationListener(SessionStates states, RevocationStream feed, GatehouseConfig config,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                       @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.states = states;
        this.feed = feed;
        this.enabled = config.sessionCache().enabled();
        this.url = url;
        this.username = username;
        this.password = password;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("gatehouse.session-cache.enabled=false: every Bearer request reads its session state from the database");
            return;
        }
        running = true;
        thread = new Thread(this::run, "gatehouse-revocation-listener");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        closeQuietly();
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        boolean warned = false;
        while (running) {
            try {
                listen();
            } catch (SQLException | RuntimeException e) {
                states.trust(false);
                if (running && !warned) {
                    LOG.warnf("Revocation listener lost its database connection (%s); reading session state from the"
                            + " database until it is back", e.getClass().getSimpleName());
                    warned = true;
                }
            } finally {
                closeQuietly();
            }
            if (running) {
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void listen() throws SQLException {
        // The datasource's own driver settings (TLS, options, ...) apply to this connection too.
        Properties properties = new Properties();
        for (String name : ConfigProvider.getConfig().getPropertyNames()) {
            if (name.startsWith(DRIVER_PROPERTIES)) {
                ConfigProvider.getConfig().getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.setProperty(name.substring(DRIVER_PROPERTIES.length()), value));
            }
        }
        username.ifPresent(u -> properties.setProperty("user", u));
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", "2");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("ApplicationName", "gatehouse-revocation-listener");
        connection = new org.postgresql.Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("the datasource URL is not a PostgreSQL URL");
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        try (Statement statement = connection.createStatement();
             PreparedStatement heartbeat = connection.prepareStatement("select pg_notify(?, ?)")) {
            statement.execute("LISTEN " + CHANNEL);
            LOG.debug("Revocation listener connected");
            heartbeat.setString(1, CHANNEL);
            boolean trusting = false;
            while (running) {
                // The heartbeat is a notification to ourselves: when it comes back, every notification
                // committed before it was sent has arrived, through the very path revocations take.
                // (Behind a pooler that breaks LISTEN it never comes back, and the cache stays off.)
                String nonce = Revocations.HEARTBEAT_PREFIX + Long.toHexString(nonces.nextLong());
                long sentAt = System.nanoTime();
                heartbeat.setString(2, nonce);
                heartbeat.execute();
                if (awaitHeartbeat(pg, nonce, sentAt + HEARTBEAT_TIMEOUT_NANOS)) {
                    if (!trusting) {
                        states.trust(true);
                        trusting = true;
                    }
                    states.confirm(sentAt);
                }
                apply(pg.getNotifications(POLL_MILLIS), null);
            }
        }
    }

    /** Applies notifications until our heartbeat arrives; false if it did not in time. */
    private boolean awaitHeartbeat(PGConnection pg, String nonce, long deadline) throws SQLException {
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            if (apply(pg.getNotifications((int) left), nonce)) {
                return true;
            }
        }
    }

    /** Applies revocations; returns whether {@code nonce} was among the notifications. */
    private boolean apply(PGNotification[] notifications, String nonce) {
        boolean seen = false;
        if (notifications != null) {
            for (PGNotification notification : notifications) {
                String message = notification.getParameter();
                if (message.startsWith(Revocations.HEARTBEAT_PREFIX)) {
                    seen |= message.equals(nonce);
                } else {
                    Revocations.apply(message, states);
                    feed.wake(); // docs/revocation-feed.md: a revocation on any instance reaches this one's streams now
                }
            }
        }
        return seen;
    }

    private void closeQuietly() {
        Connection current = connection;
        connection = null;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }
}
