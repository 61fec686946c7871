package dev.gatehouse.support;

import dev.gatehouse.devdb.EmbeddedPostgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Several packaged Gatehouse instances on one real PostgreSQL, sharing one signing key, as they run
 * in production behind a load balancer. The admin's password is generated per run.
 */
public final class Cluster implements AutoCloseable {

    public static final String ADMIN_EMAIL = "admin@cluster.test";

    private final EmbeddedPostgres database;
    private final List<PackagedApp> instances = new ArrayList<>();
    private final String adminPassword = "admin-" + UUID.randomUUID();
    private final Map<String, String> environment = new HashMap<>();

    private Cluster(EmbeddedPostgres database) {
        this.database = database;
    }

    public static Cluster start(int size, Map<String, String> extraEnvironment) throws Exception {
        Cluster cluster = new Cluster(EmbeddedPostgres.start(null, true));
        try {
            Path key = TestKeys.writePem(TestKeys.rsa());
            Map<String, String> env = new HashMap<>();
            env.put("QUARKUS_DATASOURCE_JDBC_URL", cluster.database.jdbcUrl());
            env.put("GATEHOUSE_JWT_ISSUER", "https://auth.cluster.test");
            env.put("GATEHOUSE_JWT_AUDIENCE", "cluster");
            env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", key.toString());
            env.put("GATEHOUSE_SECRET", TestKeys.serverSecret()); // one secret for all, as in production
            env.put("GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL);
            env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", cluster.adminPassword);
            env.putAll(extraEnvironment);
            cluster.environment.putAll(env);
            for (int i = 0; i < size; i++) {
                cluster.instances.add(PackagedApp.start(env));
            }
            for (PackagedApp instance : cluster.instances) {
                instance.awaitReady(Duration.ofSeconds(90));
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    public PackagedApp instance(int index) {
        return instances.get(index);
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The shared database, for tests that set up or check rows directly. */
    public String jdbcUrl() {
        return database.jdbcUrl();
    }

    /** Stops one instance (SIGTERM, a graceful shutdown), as a deploy or a crash-free restart would. */
    public void stop(int index) throws Exception {
        instances.get(index).close();
    }

    /** Starts one more instance with the cluster's environment, waits until it is ready, and returns its index. */
    public int startInstance() throws Exception {
        PackagedApp instance = PackagedApp.start(environment);
        instances.add(instance);
        instance.awaitReady(Duration.ofSeconds(90));
        return instances.size() - 1;
    }

    @Override
    public void close() throws Exception {
        for (PackagedApp instance : instances) {
            instance.close();
        }
        database.stop();
    }
}
