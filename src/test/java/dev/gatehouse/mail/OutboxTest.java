package dev.gatehouse.mail;

import dev.gatehouse.support.CapturedLog;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/mail.md "Outbox" and "Sender": a mail commits with the change that causes it, goes out once over real SMTP,
 * survives an SMTP outage, and is dropped (and counted) when it cannot be sent in time.
 */
@QuarkusTest
class OutboxTest {

    private static final Duration DELIVERY = Duration.ofSeconds(15);

    @Inject
    Outbox outbox;
    @Inject
    Db db;
    @Inject
    TestClock clock;
    @Inject
    MailQueue queue;

    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    @AfterEach
    void smtpUpAndClockBack() {
        TestSmtp.start();
        clock.reset();
    }

    private static String recipient(String what) {
        return what + "-" + UUID.randomUUID() + "@shop.test";
    }

    private static Mail notice(String recipient, UUID userId) {
        return Mail.notice(Notice.PASSWORD_CHANGED, recipient, userId, Map.of());
    }

    private void enqueueCommitted(Mail... mails) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (Mail mail : mails) {
                outbox.enqueue(mail);
            }
        });
    }

    private long rowsFor(String recipient) {
        return db.count("select count(*) from mail_outbox where recipient = ?", recipient);
    }

    private long attemptsFor(String recipient) {
        return db.count("select coalesce(max(attempts), 0) from mail_outbox where recipient = ?", recipient);
    }

    /** Sends a mail and waits until its batch is over: every mail queued before it has been dealt with. */
    private void awaitQueueDrainedUpTo(String what) {
        String marker = recipient(what);
        enqueueCommitted(notice(marker, null));
        TestSmtp.awaitMail(marker, text -> true, DELIVERY);
        Poll.until("the marker's row is deleted", DELIVERY, () -> rowsFor(marker) == 0);
    }

    private static double moved(String before, String after, String name, String labels) {
        return Metrics.value(after, name, labels) - Metrics.value(before, name, labels);
    }

    @Test
    void aNoticeQueuedInACommittedTransactionArrivesOnceAsPlainUtf8Text() {
        String before = Metrics.scrape(metricsUrl);
        String to = recipient("notice");
        String newEmail = "jörg-ñandú-" + UUID.randomUUID() + "@shop.test";
        enqueueCommitted(Mail.notice(Notice.EMAIL_CHANGED, to, UUID.randomUUID(), Map.of("newEmail", newEmail)));

        TestSmtp.Received mail = TestSmtp.awaitMessage(to, received -> true, DELIVERY);
        assertEquals(TestSmtp.FROM, mail.from());
        assertEquals("Your e-mail address was changed", mail.subject());
        assertTrue(mail.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain"), mail.contentType());
        assertTrue(mail.contentType().toLowerCase(Locale.ROOT).contains("charset=utf-8"), mail.contentType());
        assertTrue(mail.text().contains("changed to " + newEmail + "."), "the new address, intact in UTF-8");
        assertFalse(mail.text().contains("Code:"), "a notice carries no code");
        assertFalse(mail.text().contains("http"), "a notice carries no link");
        assertThrows(AssertionError.class, () -> TestSmtp.codeOf(mail.text()));

        Poll.until("the sent mail's row is deleted", DELIVERY, () -> rowsFor(to) == 0);
        assertEquals(1, TestSmtp.receivedBy(to).size(), "exactly once");
        assertTrue(moved(before, Metrics.scrape(metricsUrl), "gatehouse_mails_total", "kind=\"notice\",outcome=\"sent\"") >= 1);
    }

    @Test
    void everyNoticeHasItsOwnSubjectAndNoSecret() {
        String run = UUID.randomUUID().toString();
        for (Notice notice : Notice.values()) {
            String to = notice.name().toLowerCase(Locale.ROOT) + "-" + run + "@shop.test";
            enqueueCommitted(Mail.notice(notice, to, null, Map.of("newEmail", "new@shop.test")));
        }
        long subjects = Arrays.stream(Notice.values()).map(notice -> {
            String to = notice.name().toLowerCase(Locale.ROOT) + "-" + run + "@shop.test";
            TestSmtp.Received mail = TestSmtp.awaitMessage(to, received -> true, DELIVERY);
            assertFalse(mail.text().contains("Code:") || mail.text().contains("token") || mail.text().contains("http"),
                    notice + " carries no secret and no link");
            return mail.subject();
        }).distinct().count();
        assertEquals(Notice.values().length, subjects, "one subject per notice");
    }

    @Test
    void aRolledBackTransactionQueuesNothing() {
        String to = recipient("rolled-back");
        QuarkusTransaction.begin();
        outbox.enqueue(notice(to, null));
        QuarkusTransaction.rollback();
        assertEquals(0, rowsFor(to));
        awaitQueueDrainedUpTo("after-rollback");
        assertEquals(0, TestSmtp.receivedBy(to).size());
    }

    @Test
    void enqueueOutsideATransactionFails() {
        String to = recipient("no-transaction");
        assertThrows(IllegalStateException.class, () -> outbox.enqueue(notice(to, null)));
        assertThrows(IllegalStateException.class, () -> outbox.deletePendingFor(UUID.randomUUID()));
        assertEquals(0, rowsFor(to));
        awaitQueueDrainedUpTo("after-no-transaction");
        assertEquals(0, TestSmtp.receivedBy(to).size());
    }

    @Test
    void duringAnSmtpOutageTheMailWaitsAndIsRetriedThenArrivesExactlyOnce() {
        String before = Metrics.scrape(metricsUrl);
        String to = recipient("outage");
        TestSmtp.stop();
        enqueueCommitted(notice(to, null));
        Poll.until("two failed attempts recorded", DELIVERY, () -> attemptsFor(to) >= 2);
        assertEquals(1, rowsFor(to), "the mail stays queued");
        assertEquals(0, TestSmtp.receivedBy(to).size());
        String during = Metrics.scrape(metricsUrl);
        assertTrue(moved(before, during, "gatehouse_mails_total", "kind=\"notice\",outcome=\"retried\"") >= 2);
        assertTrue(Metrics.value(during, "gatehouse_mail_queue_depth", "") >= 1, "the queue depth shows it");

        TestSmtp.start();
        TestSmtp.awaitMail(to, text -> true, DELIVERY);
        Poll.until("the sent mail's row is deleted", DELIVERY, () -> rowsFor(to) == 0);
        assertEquals(1, TestSmtp.receivedBy(to).size(), "exactly once");
    }

    @Test
    void aMailNotSentWithinRetryForIsDroppedAndCounted() {
        String before = Metrics.scrape(metricsUrl);
        String to = recipient("too-late");
        TestSmtp.stop();
        enqueueCommitted(notice(to, null));
        Poll.until("a failed attempt", DELIVERY, () -> attemptsFor(to) >= 1);
        clock.advance(Duration.ofDays(1).plusMinutes(1)); // gatehouse.mail.retry-for, P1D
        Poll.until("the mail is dropped", DELIVERY, () -> rowsFor(to) == 0);
        assertTrue(moved(before, Metrics.scrape(metricsUrl), "gatehouse_mails_total", "kind=\"notice\",outcome=\"dropped\"") >= 1);
        TestSmtp.start();
        awaitQueueDrainedUpTo("after-drop");
        assertEquals(0, TestSmtp.receivedBy(to).size(), "dropped unsent");
    }

    @Test
    void aMailToAnAddressTheMailerRefusesIsDroppedNotRetried() {
        String before = Metrics.scrape(metricsUrl);
        String malformed = "<" + UUID.randomUUID() + "@@shop.test";
        enqueueCommitted(notice(malformed, null));
        Poll.until("the mail is dropped", DELIVERY, () -> rowsFor(malformed) == 0);
        String after = Metrics.scrape(metricsUrl);
        assertTrue(moved(before, after, "gatehouse_mails_total", "kind=\"notice\",outcome=\"dropped\"") >= 1);
    }

    @Test
    void deletePendingForRemovesOnlyThatUsersMails() {
        UUID deleted = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String deletedFirst = recipient("deleted-1");
        String deletedSecond = recipient("deleted-2");
        String othersMail = recipient("other-user");
        String nobodysMail = recipient("no-user");
        TestSmtp.stop();
        enqueueCommitted(notice(deletedFirst, deleted), notice(deletedSecond, deleted), notice(othersMail, other),
                Mail.notice(Notice.ACCOUNT_DELETED, nobodysMail, null, Map.of()));
        int removed = QuarkusTransaction.requiringNew().call(() -> outbox.deletePendingFor(deleted));
        assertEquals(2, removed);
        assertEquals(0, rowsFor(deletedFirst) + rowsFor(deletedSecond));
        assertEquals(1, rowsFor(othersMail));
        assertEquals(1, rowsFor(nobodysMail));

        TestSmtp.start();
        TestSmtp.awaitMail(othersMail, text -> true, DELIVERY);
        TestSmtp.awaitMail(nobodysMail, text -> true, DELIVERY);
        awaitQueueDrainedUpTo("after-delete");
        assertEquals(0, TestSmtp.receivedBy(deletedFirst).size() + TestSmtp.receivedBy(deletedSecond).size());
    }

    @Test
    void aMailLeasedByAnInstanceThatDiedIsSentOnceItsLeaseRunsOut() {
        String to = recipient("orphaned");
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        // as another instance leaves it when it dies in the middle of sending it
        db.update("""
                insert into mail_outbox (id, kind, recipient, notice, created_at, next_attempt_at, lease_owner, lease_until)
                values (?, 'notice', ?, 'PASSWORD_CHANGED', ?, ?, ?, ?)""",
                UUID.randomUUID(), to, now, now, UUID.randomUUID(), now.plusHours(1));
        awaitQueueDrainedUpTo("during-the-lease");
        assertEquals(0, TestSmtp.receivedBy(to).size(), "not sent while another instance's lease runs");
        assertEquals(1, rowsFor(to));

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        TestSmtp.awaitMail(to, text -> true, DELIVERY);
        Poll.until("the sent mail's row is deleted", DELIVERY, () -> rowsFor(to) == 0);
        assertEquals(1, TestSmtp.receivedBy(to).size(), "exactly once");
    }

    @Test
    void parallelClaimsNeverShareAMail() throws Exception {
        // due only an hour from now: the app's own sender leaves them to the claimers below
        OffsetDateTime due = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusHours(1);
        Set<UUID> queued = new HashSet<>();
        for (int i = 0; i < 120; i++) {
            UUID id = UUID.randomUUID();
            queued.add(id);
            db.update("""
                    insert into mail_outbox (id, kind, recipient, notice, created_at, next_attempt_at)
                    values (?, 'notice', ?, 'PASSWORD_CHANGED', ?, ?)""", id, recipient("claimed"), due, due);
        }
        List<UUID> owners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            owners.add(UUID.randomUUID());
        }
        Instant later = due.toInstant().plusSeconds(1);
        try {
            // eight instances claiming from one queue at once, each until nothing is left
            List<List<UUID>> claimed = Parallel.run(owners.size(), i -> {
                List<UUID> mine = new ArrayList<>();
                List<MailQueue.Claimed> batch;
                do {
                    batch = queue.claim(owners.get(i), later, later.plusSeconds(60), 7);
                    batch.forEach(mail -> mine.add(mail.id()));
                } while (!batch.isEmpty());
                return mine;
            });
            List<UUID> all = claimed.stream().flatMap(List::stream).toList();
            assertEquals(all.size(), new HashSet<>(all).size(), "no mail claimed twice");
            assertTrue(all.containsAll(queued), "every mail claimed");
            assertTrue(claimed.stream().filter(mine -> !mine.isEmpty()).count() > 1, "the claimers shared the work");
            for (int i = 0; i < owners.size(); i++) {
                for (UUID id : claimed.get(i)) {
                    if (queued.contains(id)) {
                        assertEquals(owners.get(i), db.single("select lease_owner from mail_outbox where id = ?", id));
                    }
                }
            }
        } finally {
            for (UUID id : queued) {
                db.update("delete from mail_outbox where id = ?", id);
            }
            for (UUID owner : owners) { // anything else they claimed goes back to the queue
                db.update("update mail_outbox set lease_owner = null, lease_until = null where lease_owner = ?", owner);
            }
        }
    }

    @Test
    void theLogNamesNoRecipientAndNoTextEvenAtDebug() {
        String to = recipient("log");
        String newEmail = "log-new-" + UUID.randomUUID() + "@shop.test";
        try (CapturedLog log = CapturedLog.start()) {
            TestSmtp.stop();
            enqueueCommitted(Mail.notice(Notice.EMAIL_CHANGE_REQUESTED, to, null, Map.of("newEmail", newEmail)));
            Poll.until("a failed attempt", DELIVERY, () -> attemptsFor(to) >= 1);
            TestSmtp.start();
            String text = TestSmtp.awaitMail(to, received -> true, DELIVERY);
            Poll.until("the sent mail's row is deleted", DELIVERY, () -> rowsFor(to) == 0);

            org.jboss.logging.Logger.getLogger("dev.gatehouse.test").debug("log capture canary");
            String captured = log.text();
            assertTrue(captured.contains("log capture canary"), "the capture sees DEBUG");
            assertTrue(captured.contains("mails not sent"), "the outage was logged");
            assertFalse(captured.contains(to), "no recipient in the log");
            assertFalse(captured.contains(newEmail), "no detail of the text in the log");
            assertFalse(captured.contains(text.lines().findFirst().orElseThrow()), "no line of the text in the log");
        }
    }

    @Test
    void theMetricsAreOnTheManagementPortWithClosedLabels() {
        String to = recipient("metrics");
        enqueueCommitted(notice(to, UUID.randomUUID()));
        TestSmtp.awaitMail(to, text -> true, DELIVERY);
        String metrics = Metrics.scrape(metricsUrl);
        for (MailKind kind : MailKind.values()) {
            for (String outcome : new String[]{"sent", "retried", "dropped"}) {
                assertTrue(Metrics.has(metrics, "gatehouse_mails_total",
                        "{kind=\"" + kind.label() + "\",outcome=\"" + outcome + "\"}"), kind + " " + outcome);
            }
        }
        assertTrue(metrics.contains("\ngatehouse_mail_queue_depth "), "the queue-depth gauge");
        assertFalse(metrics.contains("@shop.test"), "no address in a label");
    }
}
