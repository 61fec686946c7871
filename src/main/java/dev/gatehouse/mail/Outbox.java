package dev.gatehouse.mail;

import jakarta.inject.Singleton;

import java.util.UUID;

/**
 * The transactional outbox (docs/mail.md): a mail is queued in the transaction of the change that
 * causes it, and commits with it or not at all. The sender delivers it afterwards.
 */
@Singleton
public class Outbox {

    /** Queues a mail in the caller's transaction (there must be one). */
    public void enqueue(Mail mail) {
        // groundwork: the outbox table and its sender land with the mail package's implementation
    }

    /** Removes the user's queued mails (an account deletion): returns how many. In the caller's transaction. */
    public int deletePendingFor(UUID userId) {
        return 0;
    }
}
