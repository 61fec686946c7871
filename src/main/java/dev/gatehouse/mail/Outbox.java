package dev.gatehouse.mail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.common.AfterCommit;
import jakarta.inject.Singleton;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * The transactional outbox (docs/mail.md "Outbox"): a mail is queued in the transaction of the change that
 * causes it, and commits with it or not at all. The sender delivers it afterwards; a commit wakes this instance's
 * sender, so the mail goes out at once instead of at the next poll.
 */
@Singleton
public class Outbox {

    /** Marks a transaction whose commit already wakes the sender: one wake-up per transaction. */
    private static final Object WAKE_ON_COMMIT = new Object();

    private final TransactionSynchronizationRegistry transactions;
    private final MailSender sender;
    private final ObjectMapper json;
    private final Clock clock;

    Outbox(TransactionSynchronizationRegistry transactions, MailSender sender, ObjectMapper json, Clock clock) {
        this.transactions = transactions;
        this.sender = sender;
        this.json = json;
        this.clock = clock;
    }

    /** Queues a mail in the caller's transaction (there must be one). */
    public void enqueue(Mail mail) {
        requireTransaction();
        Instant now = clock.instant();
        OutboxMail row = new OutboxMail();
        row.id = UUID.randomUUID();
        row.kind = mail.kind().label();
        row.recipient = mail.recipient();
        row.userId = mail.userId();
        row.secretId = mail.secretId();
        row.secretExpiresAt = mail.secretExpiresAt();
        row.notice = mail.notice() == null ? null : mail.notice().name();
        try {
            row.details = json.writeValueAsString(mail.details());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("mail details are not serializable");
        }
        row.createdAt = now;
        row.nextAttemptAt = now;
        row.persist();
        if (transactions.getResource(WAKE_ON_COMMIT) == null) {
            transactions.putResource(WAKE_ON_COMMIT, Boolean.TRUE);
            AfterCommit.run(transactions, sender::wakeAfterAnswer);
        }
    }

    /** Removes the user's queued mails (an account deletion): returns how many. In the caller's transaction. */
    public int deletePendingFor(UUID userId) {
        requireTransaction();
        return (int) OutboxMail.delete("userId", userId);
    }

    /** A mail queued outside a transaction would commit on its own, even if the change that causes it fails. */
    private void requireTransaction() {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            throw new IllegalStateException("the outbox is written in the caller's transaction, and there is none");
        }
    }
}
