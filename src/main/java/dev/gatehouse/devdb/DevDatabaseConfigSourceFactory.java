package dev.gatehouse.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Dev mode and tests with no {@code quarkus.datasource.jdbc.url} get an embedded PostgreSQL.
 * {@code ./mvnw quarkus:dev} with no {@code quarkus.datasource.jdbc.url}: starts an embedded PostgreSQL
 * whose data lives in {@code gatehouse.dev-db.dir} (default {@code target/dev-postgres}, so it
 * survives restarts; {@code ./mvnw clean quarkus:dev} or {@code -Dgatehouse.dev-db.clean=true} start
 * afresh) and supplies its URL. A config source, not a startup bean: the datasource is configured
 * before any bean exists. The URL is kept in a system property so live reload reuses the server.
 */
public class DevDatabaseConfigSourceFactory implements ConfigSourceFactory {

    private static final String URL_PROPERTY = "gatehouse-internal.dev-db-url";

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        if (!(dev || profiles.contains("test")) || isSet(context.getValue("quarkus.datasource.jdbc.url"))
                || !EmbeddedPostgres.available()) {
            return List.of();
        }
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            url = dev ? startServer(context) : startThrowAwayServer();
            System.setProperty(URL_PROPERTY, url);
        }
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres"), "gatehouse-dev-database", 200));
    }

    private static String startServer(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("gatehouse.dev-db.dir");
        ConfigValue clean = context.getValue("gatehouse.dev-db.clean");
        String dataDirectory = isSet(dir) ? dir.getValue() : "target/dev-postgres";
        EmbeddedPostgres server = EmbeddedPostgres.start(dataDirectory, isSet(clean) && Boolean.parseBoolean(clean.getValue()));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "gatehouse-dev-db-stop"));
        System.out.println("Gatehouse dev: embedded PostgreSQL at " + server.jdbcUrl() + " (data in " + dataDirectory + ")");
        return server.jdbcUrl();
    }

    /** Tests: a fresh cluster in the temp folder, shared by every test of the JVM. */
    private static String startThrowAwayServer() {
        EmbeddedPostgres server = EmbeddedPostgres.start(null, true);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "gatehouse-test-db-stop"));
        return server.jdbcUrl();
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
