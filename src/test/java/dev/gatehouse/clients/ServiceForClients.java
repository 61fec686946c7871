package dev.gatehouse.clients;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.TestKeys;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged service on an embedded PostgreSQL, configured the way the client test suites
 * ({@code clients/typescript}, {@code clients/java}) expect it.
 */
final class ServiceForClients implements AutoCloseable {

    private final EmbeddedPostgres database;
    private final PackagedApp app;

    private ServiceForClients(EmbeddedPostgres database, PackagedApp app) {
        this.database = database;
        this.app = app;
    }

    static ServiceForClients start() throws Exception {
        return start(Map.of());
    }

    /** With {@code extra} environment variables on top (they win). */
    static ServiceForClients start(Map<String, String> extra) throws Exception {
        EmbeddedPostgres database = EmbeddedPostgres.start(null, true);
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        env.put("GATEHOUSE_JWT_ISSUER", "https://auth.client.test");
        env.put("GATEHOUSE_JWT_AUDIENCE", "client-test");
        env.put("GATEHOUSE_SECRET", TestKeys.serverSecret());
        // Access tokens expire within the test: 2 s and no tolerance, so the client has to refresh.
        env.put("GATEHOUSE_ACCESS_TOKEN_TTL", "PT2S");
        env.put("GATEHOUSE_JWT_CLOCK_SKEW", "PT0S");
        // The client's retry of a lost refresh answer relies on the reuse window (docs/tokens.md "Reuse window").
        env.put("GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE", "PT30S");
        // Every test registers and signs in a fresh user from one address.
        env.put("GATEHOUSE_RATE_LIMIT_ENABLED", "false");
        env.putAll(extra);
        PackagedApp app = PackagedApp.start(env);
        ServiceForClients service = new ServiceForClients(database, app);
        try {
            app.awaitReady(Duration.ofSeconds(90));
        } catch (Exception | AssertionError e) {
            service.close();
            throw e;
        }
        return service;
    }

    String baseUri() {
        return app.baseUri();
    }

    String output() throws java.io.IOException {
        return app.output();
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            database.stop();
        }
    }
}
