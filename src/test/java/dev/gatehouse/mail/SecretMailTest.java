package dev.gatehouse.mail;

import dev.gatehouse.support.CapturedLog;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.ScriptedSecrets;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/mail.md "Format" and "No secret at rest": a mail for a one-time secret has exactly one code line and one
 * link, its row never holds the secret, and it is dropped unsent when the secret expired or cannot be revealed.
 * The sender polls once an hour here: only the wake-up of a committed enqueue can send these mails in time.
 */
@QuarkusTest
@TestProfile(SecretMailTest.ScriptedSecretsAndNoPolling.class)
class SecretMailTest {

    public static class ScriptedSecretsAndNoPolling implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ScriptedSecrets.class);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.mail.poll-interval", "PT1H");
        }
    }

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @Inject
    Outbox outbox;
    @Inject
    ScriptedSecrets secrets;
    @Inject
    Db db;
    @Inject
    TestClock clock;

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @AfterEach
    void smtpUp() {
        TestSmtp.start();
    }

    private void enqueueCommitted(Mail mail) {
        QuarkusTransaction.requiringNew().run(() -> outbox.enqueue(mail));
    }

    private long rowsFor(String recipient) {
        return db.count("select count(*) from mail_outbox where recipient = ?", recipient);
    }

    @Test
    void aSecretMailHasExactlyOneCodeLineAndOneLinkAndGoesOutAtOnce() {
        Map<MailKind, String> subjects = Map.of(MailKind.VERIFY_EMAIL, "Confirm your e-mail address",
                MailKind.RESET_PASSWORD, "Reset your password",
                MailKind.CONFIRM_EMAIL_CHANGE, "Confirm your new e-mail address");
        try (CapturedLog log = CapturedLog.start()) {
            for (MailKind kind : subjects.keySet()) {
                var secret = secrets.create();
                String to = kind.label() + "-" + UUID.randomUUID() + "@shop.test";
                Instant expires = clock.instant().plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.MINUTES).plusSeconds(59);
                enqueueCommitted(Mail.secret(kind, to, UUID.randomUUID(), secret.getKey(), expires));

                TestSmtp.Received mail = TestSmtp.awaitMessage(to, received -> true, PROMPTLY);
                assertEquals(subjects.get(kind), mail.subject());
                assertEquals(TestSmtp.FROM, mail.from());
                assertEquals(secret.getValue().code(), TestSmtp.codeOf(mail.text()));
                assertEquals(secret.getValue().token(), TestSmtp.linkTokenOf(mail.text(), kind.action()));
                String until = java.time.format.DateTimeFormatter.ofPattern("HH:mm 'UTC'")
                        .withZone(java.time.ZoneOffset.UTC).format(expires);
                assertTrue(mail.text().contains(until), "says when it expires: " + until);
                Poll.until("the sent mail's row is deleted", PROMPTLY, () -> rowsFor(to) == 0);
                assertEquals(1, TestSmtp.receivedBy(to).size());

                String captured = log.text();
                assertFalse(captured.contains(secret.getValue().token()), "no token in the log");
                assertFalse(captured.contains(secret.getValue().token().substring("gatehouse_ot_".length())), "no token in the log");
                assertFalse(captured.contains("Code: " + secret.getValue().code()), "no code in the log");
                assertFalse(captured.contains(to), "no recipient in the log");
            }
        }
    }

    @Test
    void theQueuedRowHoldsNoUsableSecret() {
        var secret = secrets.create();
        String to = "at-rest-" + UUID.randomUUID() + "@shop.test";
        TestSmtp.stop();
        enqueueCommitted(Mail.secret(MailKind.RESET_PASSWORD, to, UUID.randomUUID(), secret.getKey(),
                clock.instant().plus(Duration.ofMinutes(15))));
        String row = (String) db.single("select m::text from mail_outbox m where recipient = ?", to);
        assertTrue(row.contains(secret.getKey().toString()), "the row names the secret by id");
        assertFalse(row.contains(secret.getValue().token()), "but holds no token");
        assertFalse(row.contains(secret.getValue().token().substring("gatehouse_ot_".length(), 20)), "nor part of it");
        assertFalse(row.contains(secret.getValue().code()), "and no code");
    }

    @Test
    void aSecretMailWhoseSecretExpiredIsDroppedUnsent() {
        var secret = secrets.create();
        String to = "expired-" + UUID.randomUUID() + "@shop.test";
        String before = Metrics.scrape(metricsUrl);
        enqueueCommitted(Mail.secret(MailKind.VERIFY_EMAIL, to, UUID.randomUUID(), secret.getKey(),
                clock.instant().minusSeconds(1)));
        Poll.until("the mail is dropped", PROMPTLY, () -> rowsFor(to) == 0);
        assertDroppedUnsent(before, to, MailKind.VERIFY_EMAIL);
    }

    @Test
    void aSecretMailWhoseSecretCannotBeRevealedIsDroppedUnsent() {
        String to = "used-" + UUID.randomUUID() + "@shop.test";
        String before = Metrics.scrape(metricsUrl);
        // a secret already used, superseded or killed: the source reveals nothing for it
        enqueueCommitted(Mail.secret(MailKind.CONFIRM_EMAIL_CHANGE, to, UUID.randomUUID(), UUID.randomUUID(),
                clock.instant().plus(Duration.ofMinutes(15))));
        Poll.until("the mail is dropped", PROMPTLY, () -> rowsFor(to) == 0);
        assertDroppedUnsent(before, to, MailKind.CONFIRM_EMAIL_CHANGE);
    }

    private void assertDroppedUnsent(String before, String to, MailKind kind) {
        String labels = "kind=\"" + kind.label() + "\",outcome=\"dropped\"";
        assertTrue(Metrics.value(Metrics.scrape(metricsUrl), "gatehouse_mails_total", labels)
                - Metrics.value(before, "gatehouse_mails_total", labels) >= 1, "counted as dropped");
        // a notice queued after it goes out: the sender has dealt with everything before
        String marker = "marker-" + UUID.randomUUID() + "@shop.test";
        enqueueCommitted(Mail.notice(Notice.PASSWORD_CHANGED, marker, null, Map.of()));
        TestSmtp.awaitMail(marker, text -> true, PROMPTLY);
        assertEquals(0, TestSmtp.receivedBy(to).size(), "dropped unsent");
    }
}
