package dev.gatehouse.session;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * Keeps one dedicated connection that LISTENs for revocations committed by any instance and applies
 * them to {@link SessionStates}. A heartbeat every 250 ms proves the connection is alive: the cache is
 * trusted only while it is (see {@link SessionStates}), so a lost connection costs database reads,
 * never a missed revocation.
 */
@Singleton
public class RevocationListener {

    static final String CHANNEL = "gatehouse_revocations";
    private static final Logger LOG = Logger.getLogger(RevocationListener.class);
    private static final int POLL_MILLIS = 250;
    private static final long RETRY_MILLIS = 1000;

    private final SessionStates states;
    private final boolean enabled;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    RevocationListener(SessionStates states, GatehouseConfig config,
                       @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
                       @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.states = states;
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
        Properties properties = new Properties();
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
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + CHANNEL);
            states.trust(true);
            LOG.debug("Revocation listener connected");
            while (running) {
                apply(pg.getNotifications(POLL_MILLIS));
                // The heartbeat: once it returns, every notification committed before it started has arrived.
                statement.execute("select 1");
                apply(pg.getNotifications());
                states.confirm();
            }
        }
    }

    private void apply(PGNotification[] notifications) {
        if (notifications == null) {
            return;
        }
        for (PGNotification notification : notifications) {
            Revocations.apply(notification.getParameter(), states);
        }
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
