package dev.gatehouse.clients;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.SoftwareAuthenticator;
import dev.gatehouse.support.TestKeys;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The packaged service on an embedded PostgreSQL, configured the way the client test suites
 * ({@code clients/typescript}, {@code clients/java}) expect it, sending its mails over SMTP to a
 * {@link ClientMailbox} whose endpoint the suites read them from ({@link #mailUrl()}), with passkeys on for
 * {@code shop.test} and the test Android app, whose Credential Manager the suites call through a
 * {@link ClientAuthenticator} ({@link #clientEnvironment()}).
 */
final class ServiceForClients implements AutoCloseable {

    /** Where the links in the mails point (docs/clients.md "Links in mails"); the suites get it as GATEHOUSE_LINK_BASE_URL. */
    static final String LINK_BASE_URL = "https://shop.test/app";
    /** The only admin (docs/operations.md "The first admin"): the suites prove it cannot delete itself. */
    static final String ADMIN_EMAIL = "admin@client.test";
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    /** docs/passkeys.md "Configuration": the RP ID, and the package and certificate fingerprint of the test Android app. */
    static final String PASSKEYS_RP_ID = "shop.test";
    static final String ANDROID_APP = "dev.gatehouse.shop=29:C3:33:CB:86:66:C1:20:88:0F:45:7C:3C:6D:40:4C:EE:48:92:4F:79:A1:61:64:1A:A7:7A:C0:95:B9:1D:6B";

    private final EmbeddedPostgres database;
    private final ClientMailbox mailbox;
    private final ClientAuthenticator authenticator;
    private final PackagedApp app;

    private ServiceForClients(EmbeddedPostgres database, ClientMailbox mailbox, ClientAuthenticator authenticator, PackagedApp app) {
        this.database = database;
        this.mailbox = mailbox;
        this.authenticator = authenticator;
        this.app = app;
    }

    static ServiceForClients start() throws Exception {
        return start(Map.of());
    }

    /** With {@code extra} environment variables on top (they win). */
    static ServiceForClients start(Map<String, String> extra) throws Exception {
        EmbeddedPostgres database = EmbeddedPostgres.start(null, true);
        ClientMailbox mailbox;
        ClientAuthenticator authenticator;
        try {
            mailbox = ClientMailbox.start();
        } catch (IOException | RuntimeException e) {
            database.stop();
            throw e;
        }
        try {
            authenticator = ClientAuthenticator.start();
        } catch (IOException | RuntimeException e) {
            mailbox.close();
            database.stop();
            throw e;
        }
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
        // Real SMTP, plain and unauthenticated on loopback (the prod profile never mocks the mailer).
        env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
        env.put("QUARKUS_MAILER_PORT", String.valueOf(mailbox.smtpPort()));
        env.put("QUARKUS_MAILER_FROM", "gatehouse@client.test");
        env.put("QUARKUS_MAILER_MOCK", "false");
        env.put("QUARKUS_MAILER_TLS", "false");
        env.put("QUARKUS_MAILER_START_TLS", "DISABLED");
        env.put("GATEHOUSE_MAIL_LINK_BASE_URL", LINK_BASE_URL);
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("GATEHOUSE_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // Passkeys for the web origin and the test Android app's signing certificate (docs/passkeys.md "Android").
        env.put("GATEHOUSE_PASSKEYS_RP_ID", PASSKEYS_RP_ID);
        env.put("GATEHOUSE_PASSKEYS_ORIGINS", SoftwareAuthenticator.WEB_ORIGIN + "," + SoftwareAuthenticator.ANDROID_ORIGIN);
        env.put("GATEHOUSE_PASSKEYS_ANDROID_APPS", ANDROID_APP);
        env.putAll(extra);
        PackagedApp app;
        try {
            app = PackagedApp.start(env);
        } catch (IOException | RuntimeException e) {
            authenticator.close();
            mailbox.close();
            database.stop();
            throw e;
        }
        ServiceForClients service = new ServiceForClients(database, mailbox, authenticator, app);
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

    /** {@code GET <mailUrl>?to=...&contains=...}: see {@link ClientMailbox}. */
    String mailUrl() {
        return mailbox.url();
    }

    /** What a client suite needs: the service, its mail, its link base URL, its admin, the passkey authenticator. */
    Map<String, String> clientEnvironment() {
        return Map.of("GATEHOUSE_URL", baseUri(), "GATEHOUSE_MAIL_URL", mailUrl(), "GATEHOUSE_LINK_BASE_URL", LINK_BASE_URL,
                "GATEHOUSE_ADMIN_EMAIL", ADMIN_EMAIL, "GATEHOUSE_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "GATEHOUSE_AUTHENTICATOR_URL", authenticator.url());
    }

    String output() throws java.io.IOException {
        return app.output();
    }

    @Override
    public void close() throws Exception {
        try {
            app.close();
        } finally {
            try {
                authenticator.close();
                mailbox.close();
            } finally {
                database.stop();
            }
        }
    }
}
