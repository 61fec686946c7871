package dev.gatehouse.packaged;

import dev.gatehouse.support.Cluster;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.PackagedApp;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestSmtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/mail.md "Sender" on the packaged jar: instances sharing one database send every queued mail exactly once
 * between them, and queued mails survive an SMTP outage and a restart of the instance. The mails are queued as
 * rows, the way the flows' transactions write them.
 */
class MailOutboxIT {

    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @AfterEach
    void smtpUp() {
        TestSmtp.start();
    }

    private static Map<String, String> mailEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
        env.put("QUARKUS_MAILER_PORT", String.valueOf(TestSmtp.port()));
        env.put("QUARKUS_MAILER_FROM", TestSmtp.FROM);
        env.put("GATEHOUSE_MAIL_LINK_BASE_URL", TestSmtp.LINK_BASE_URL);
        // small batches polled often, so that both instances take part in sending one queue
        env.put("GATEHOUSE_MAIL_POLL_INTERVAL", "PT0.2S");
        env.put("GATEHOUSE_MAIL_BATCH_SIZE", "5");
        env.put("GATEHOUSE_MAIL_LEASE", "PT20S");
        env.put("GATEHOUSE_MAIL_SEND_TIMEOUT", "PT5S");
        env.put("GATEHOUSE_MAIL_RETRY_DELAY", "PT0.5S");
        env.put("GATEHOUSE_MAIL_RETRY_MAX_DELAY", "PT2S");
        return env;
    }

    @Test
    void twoInstancesOnOneDatabaseSendEveryMailExactlyOnce() throws Exception {
        int mails = 200;
        try (Cluster cluster = Cluster.start(2, mailEnvironment())) {
            List<String> recipients = queueNotices(cluster.jdbcUrl(), "shared", mails);
            awaitDelivered(cluster.jdbcUrl(), recipients);

            double sentByA = sentNotices(cluster.instance(0));
            double sentByB = sentNotices(cluster.instance(1));
            System.out.printf("%d mails: %.0f sent by instance A, %.0f by instance B%n", mails, sentByA, sentByB);
            assertEquals(mails, sentByA + sentByB, 0.0, "each mail was handed to SMTP once, by one instance");
            assertTrue(sentByA > 0 && sentByB > 0, "both instances sent part of the queue");
        }
    }

    @Test
    void queuedMailsSurviveAnSmtpOutageAndARestartAndArriveExactlyOnce() throws Exception {
        int mails = 40;
        TestSmtp.stop();
        try (Cluster cluster = Cluster.start(1, mailEnvironment())) {
            List<String> recipients = queueNotices(cluster.jdbcUrl(), "restart", mails);
            Poll.until("every mail failed at least once", DELIVERY, () -> count(cluster.jdbcUrl(),
                    "select count(*) from mail_outbox where recipient like 'restart-%' and attempts > 0") == mails);
            cluster.stop(0);
            assertEquals(mails, count(cluster.jdbcUrl(), "select count(*) from mail_outbox where recipient like 'restart-%'"),
                    "every mail is still queued after the instance stopped");

            TestSmtp.start();
            cluster.startInstance();
            awaitDelivered(cluster.jdbcUrl(), recipients);
        }
    }

    /** Waits until the outbox is empty and every recipient has its mail, then checks each got exactly one. */
    private static void awaitDelivered(String jdbcUrl, List<String> recipients) {
        Poll.until("every mail delivered and its row deleted", DELIVERY,
                () -> count(jdbcUrl, "select count(*) from mail_outbox") == 0 && receivedCounts(recipients).size() == recipients.size());
        Map<String, Long> received = receivedCounts(recipients);
        for (String recipient : recipients) {
            assertEquals(1L, received.get(recipient), "exactly one mail to each recipient");
        }
    }

    /** How many mails each of these recipients received (absent: none). */
    private static Map<String, Long> receivedCounts(List<String> recipients) {
        java.util.Set<String> wanted = new java.util.HashSet<>(recipients);
        return TestSmtp.received().stream().flatMap(mail -> mail.to().stream()).filter(wanted::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static double sentNotices(PackagedApp instance) {
        String metrics = io.restassured.RestAssured.given().baseUri(instance.managementUri()).get("/q/metrics")
                .then().statusCode(200).extract().asString();
        return Metrics.value(metrics, "gatehouse_mails_total", "kind=\"notice\",outcome=\"sent\"");
    }

    /** N password-changed notices, queued in one transaction as a flow would. */
    private static List<String> queueNotices(String jdbcUrl, String prefix, int mails) throws SQLException {
        List<String> recipients = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             PreparedStatement insert = connection.prepareStatement("""
                     insert into mail_outbox (id, kind, recipient, user_id, notice, details, created_at, next_attempt_at)
                     values (?, 'notice', ?, ?, 'PASSWORD_CHANGED', '{}', now(), now())""")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < mails; i++) {
                String recipient = prefix + "-" + i + "-" + UUID.randomUUID() + "@shop.test";
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, recipient);
                insert.setObject(3, UUID.randomUUID());
                insert.addBatch();
                recipients.add(recipient);
            }
            insert.executeBatch();
            connection.commit();
        }
        return recipients;
    }

    private static long count(String jdbcUrl, String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
