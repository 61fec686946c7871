package dev.gatehouse.packaged;

import dev.gatehouse.devdb.EmbeddedPostgres;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/mail.md "Configuration" on the packaged jar in prod: mail that is used needs quarkus.mailer.host and
 * gatehouse.mail.link-base-url (the start stops naming the missing one); mail that is not used is one warning, sends
 * nothing, and lets queued mails age out.
 */
class MailStartIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String OFF_WARNING = "Mail is off: neither gatehouse.mail.link-base-url nor quarkus.mailer.host is set";
    private static EmbeddedPostgres database;

    @BeforeAll
    static void startDatabase() {
        database = EmbeddedPostgres.start(null, true);
    }

    @AfterAll
    static void stopDatabase() {
        database.stop();
    }

    private static Map<String, String> prodEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        env.put("GATEHOUSE_JWT_ISSUER", "https://auth.shop.example");
        env.put("GATEHOUSE_JWT_AUDIENCE", "shop-api");
        env.put("GATEHOUSE_SECRET", TestKeys.serverSecret());
        env.put("GATEHOUSE_JWT_SIGNING_KEY_FILES", TestKeys.writePem(TestKeys.rsa()).toString());
        return env;
    }

    private static void assertStartStopsNaming(Map<String, String> env, String property) throws Exception {
        try (PackagedApp app = PackagedApp.start(env)) {
            assertNotEquals(0, app.awaitExit(START), "the start stops");
            assertTrue(app.output().contains(property), app.output());
        }
    }

    @Test
    void aMailerHostWithoutALinkBaseStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("QUARKUS_MAILER_HOST", "smtp.shop.example");
        assertStartStopsNaming(env, "gatehouse.mail.link-base-url is required when mail is used");
    }

    @Test
    void aLinkBaseWithoutAMailerHostStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_MAIL_LINK_BASE_URL", "https://shop.example/app");
        assertStartStopsNaming(env, "quarkus.mailer.host is required when mail is used");
    }

    @Test
    void mailEnabledWithNeitherStopsTheStartNamingTheProperty() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_MAIL_ENABLED", "true");
        assertStartStopsNaming(env, "quarkus.mailer.host is required when mail is used");
    }

    @Test
    void theMailersMockThatLogsEveryMailStopsTheStartInProd() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("QUARKUS_MAILER_HOST", "smtp.shop.example");
        env.put("GATEHOUSE_MAIL_LINK_BASE_URL", "https://shop.example/app");
        env.put("QUARKUS_MAILER_MOCK", "true");
        assertStartStopsNaming(env, "quarkus.mailer.mock");
    }

    @Test
    void aLinkBaseThatIsNotAnHttpUrlStopsTheStart() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("QUARKUS_MAILER_HOST", "smtp.shop.example");
        env.put("GATEHOUSE_MAIL_LINK_BASE_URL", "shop.example/app?x=1");
        assertStartStopsNaming(env, "gatehouse.mail.link-base-url must be an absolute http or https URL");
    }

    @Test
    void mailTurnedOffExplicitlyStartsWithoutTheWarning() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("QUARKUS_MAILER_HOST", "smtp.shop.example");
        env.put("GATEHOUSE_MAIL_ENABLED", "false");
        try (PackagedApp app = PackagedApp.start(env)) {
            app.awaitReady(START);
            assertFalse(app.output().contains(OFF_WARNING), app.output());
        }
    }

    @Test
    void mailNotUsedIsOneWarningSendsNothingAndQueuedMailsAgeOut() throws Exception {
        Map<String, String> env = prodEnvironment();
        env.put("GATEHOUSE_MAIL_RETRY_FOR", "PT2S");
        env.put("GATEHOUSE_MAIL_POLL_INTERVAL", "PT0.2S");
        try (PackagedApp app = PackagedApp.start(env)) {
            app.awaitReady(START);
            assertEquals(1, app.output().split(OFF_WARNING, -1).length - 1, "one warning at start:\n" + app.output());
            try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
                connection.createStatement().executeUpdate("""
                        insert into mail_outbox (id, kind, recipient, notice, created_at, next_attempt_at)
                        values (gen_random_uuid(), 'notice', 'aging@shop.test', 'PASSWORD_CHANGED', now(), now());
                        insert into mail_outbox (id, kind, recipient, secret_id, secret_expires_at, created_at, next_attempt_at)
                        values (gen_random_uuid(), 'reset_password', 'expired@shop.test', gen_random_uuid(),
                                now() + interval '1 second', now(), now())""");
                Poll.until("both mails dropped", Duration.ofSeconds(30), () -> {
                    try (ResultSet rows = connection.createStatement().executeQuery("select count(*) from mail_outbox")) {
                        rows.next();
                        return rows.getLong(1) == 0;
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            String metrics = given().baseUri(app.managementUri()).get("/q/metrics").then().statusCode(200).extract().asString();
            assertEquals(1, Metrics.value(metrics, "gatehouse_mails_total", "kind=\"notice\",outcome=\"dropped\""), 0.0);
            assertEquals(1, Metrics.value(metrics, "gatehouse_mails_total", "kind=\"reset_password\",outcome=\"dropped\""), 0.0);
            assertEquals(0, Metrics.value(metrics, "gatehouse_mails_total", "outcome=\"sent\""), 0.0, "nothing sent");
            assertFalse(app.output().contains("aging@shop.test") || app.output().contains("expired@shop.test"),
                    "no recipient in the log");
        }
    }
}
