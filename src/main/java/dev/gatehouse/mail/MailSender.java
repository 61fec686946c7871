package dev.gatehouse.mail;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.mail.MailMetrics.Outcome;
import dev.gatehouse.mail.MailQueue.Claimed;
import dev.gatehouse.mail.MailTemplates.Rendered;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.scheduler.Scheduled;
import io.vertx.ext.mail.SMTPException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers the outbox (docs/mail.md "Sender"). Each instance claims due mails with a lease (one sender per mail
 * across instances), sends them over SMTP outside any transaction, then deletes the sent ones and reschedules the
 * failed ones with exponential back-off. A mail older than {@code gatehouse.mail.retry-for}, or whose one-time secret
 * has expired or can no longer be revealed, is dropped unsent. Every state is in the table, so a restart loses
 * nothing; a lease that runs out (its instance died mid-send) lets another instance send the mail: at least once.
 *
 * <p>Runs happen one at a time on the sender's own thread: woken by the poll and by every committed enqueue
 * ({@link Outbox}), so a mail goes out at once rather than at the next poll. Nothing here logs an address, a body,
 * a code or a token: a mail is named by its id and kind.
 */
@Singleton
class MailSender {

    private static final Logger LOG = Logger.getLogger(MailSender.class);
    /** Rows deleted per statement when dropping mails that aged out. */
    private static final int DROP_BATCH = 500;

    /** This instance, as the owner of its leases. */
    private final UUID owner = UUID.randomUUID();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "gatehouse-mail-sender");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean runQueued = new AtomicBoolean();
    private volatile boolean stopping;

    private final MailQueue queue;
    private final MailTemplates templates;
    private final SecretSource secrets;
    private final ReactiveMailer mailer;
    private final MailMetrics metrics;
    private final MailSetup setup;
    private final GatehouseConfig.Mail config;
    private final Clock clock;

    MailSender(MailQueue queue, MailTemplates templates, SecretSource secrets, ReactiveMailer mailer, MailMetrics metrics,
               MailSetup setup, GatehouseConfig config, Clock clock) {
        this.queue = queue;
        this.templates = templates;
        this.secrets = secrets;
        this.mailer = mailer;
        this.metrics = metrics;
        this.setup = setup;
        this.config = config.mail();
        this.clock = clock;
    }

    @Scheduled(every = "${gatehouse.mail.poll-interval:PT10S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    /** Asks for a run soon. Wake-ups during a run add one more run, not one each. */
    void wake() {
        if (runQueued.compareAndSet(false, true)) {
            try {
                runner.execute(this::run);
            } catch (RejectedExecutionException shuttingDown) {
                runQueued.set(false);
            }
        }
    }

    /*
     * After a commit that queued mail, the sender starts a moment later rather than at once: the request that
     * queued it is still writing its answer, and a sender competing with it for a core would make that answer
     * slower than one that queued nothing (docs/api.md "POST /api/auth/password/forgot": the answer must not
     * tell whether an address has an account).
     */
    private static final long AFTER_ANSWER_MILLIS = 50;
    private final Executor afterAnswer = CompletableFuture.delayedExecutor(AFTER_ANSWER_MILLIS, TimeUnit.MILLISECONDS);

    /** A wake-up once the committing request has answered. */
    void wakeAfterAnswer() {
        afterAnswer.execute(this::wake);
    }

    /** Before the database goes away at shutdown. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        stopping = true;
        runner.shutdown();
        // a run in progress finishes its batch (bounded by the send timeout), so its mails are not left leased
        runner.awaitTermination(config.sendTimeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        runQueued.set(false);
        try {
            runOnce();
        } catch (RuntimeException e) {
            // the next run tries again (a database outage); no stack trace, whose messages could quote a row
            LOG.warnf("Mail sender run failed: %s", e.getClass().getSimpleName());
        }
    }

    private void runOnce() {
        dropAgedOut();
        if (setup.sending()) {
            List<Claimed> batch;
            do {
                Instant now = clock.instant();
                batch = queue.claim(owner, now, now.plus(config.lease()), config.batchSize());
                deliver(batch);
            } while (batch.size() == config.batchSize() && !stopping);
        }
        metrics.depth(queue.depth());
    }

    /** Mails past retry-for, and secret mails past their secret's expiry, that no live lease holds. */
    private void dropAgedOut() {
        int dropped = 0;
        List<MailKind> kinds;
        do {
            Instant now = clock.instant();
            kinds = queue.dropExpired(now, now.minus(config.retryFor()), DROP_BATCH);
            kinds.forEach(kind -> metrics.count(kind, Outcome.DROPPED));
            dropped += kinds.size();
        } while (kinds.size() == DROP_BATCH);
        if (dropped > 0) {
            LOG.infof("Dropped %d unsent mails: older than gatehouse.mail.retry-for, or their code expired", dropped);
        }
    }

    private record Sending(Claimed mail, CompletableFuture<Void> result) {
    }

    private void deliver(List<Claimed> batch) {
        Instant now = clock.instant();
        List<Claimed> drop = new ArrayList<>();
        List<Claimed> failed = new ArrayList<>();
        List<Sending> sending = new ArrayList<>();
        Throwable firstFailure = null;
        for (Claimed mail : batch) {
            if (agedOut(mail, now)) {
                drop.add(mail);
                continue;
            }
            try {
                Optional<Rendered> rendered = render(mail);
                if (rendered.isEmpty()) {
                    drop.add(mail); // its secret was used, superseded or killed: docs/mail.md "No secret at rest"
                    continue;
                }
                io.quarkus.mailer.Mail message = io.quarkus.mailer.Mail.withText(mail.recipient(),
                        rendered.get().subject(), rendered.get().text());
                CompletableFuture<Void> result;
                try {
                    // the whole batch at once, over the mailer's pool of connections
                    result = mailer.send(message).ifNoItem().after(config.sendTimeout()).fail().subscribeAsCompletionStage();
                } catch (IllegalArgumentException unusableAddress) {
                    drop.add(mail); // the mailer refuses the address itself: no retry can help
                    continue;
                }
                sending.add(new Sending(mail, result));
            } catch (RuntimeException e) {
                failed.add(mail);
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        List<Claimed> sent = new ArrayList<>();
        for (Sending attempt : sending) {
            try {
                attempt.result().get(config.sendTimeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
                sent.add(attempt.mail());
            } catch (ExecutionException | TimeoutException e) {
                failed.add(attempt.mail());
                firstFailure = firstFailure == null ? (e instanceof ExecutionException ? e.getCause() : e) : firstFailure;
            } catch (InterruptedException e) {
                // shutting down: what is still leased goes to another sender when the lease runs out
                Thread.currentThread().interrupt();
                return;
            }
        }
        // counted as the SMTP server took them, even if the database then fails (they are sent again: at least once)
        sent.forEach(mail -> metrics.count(mail.kind(), Outcome.SENT));
        queue.deleteHeld(sent.stream().map(Claimed::id).toList(), owner);
        queue.deleteHeld(drop.stream().map(Claimed::id).toList(), owner);
        drop.forEach(mail -> metrics.count(mail.kind(), Outcome.DROPPED));
        for (Claimed mail : failed) {
            int attempts = mail.attempts() + 1;
            queue.reschedule(mail.id(), owner, attempts, clock.instant().plus(backOff(attempts)));
            metrics.count(mail.kind(), Outcome.RETRIED);
        }
        if (!failed.isEmpty()) {
            LOG.warnf("%d mails not sent (%s); each is retried with back-off for up to gatehouse.mail.retry-for",
                    failed.size(), describe(firstFailure));
        }
        if (LOG.isDebugEnabled() && !(sent.isEmpty() && drop.isEmpty())) {
            LOG.debugf("Sent %d mails, dropped %d unsent", sent.size(), drop.size());
        }
    }

    private boolean agedOut(Claimed mail, Instant now) {
        return !mail.createdAt().plus(config.retryFor()).isAfter(now)
                || (mail.secretExpiresAt() != null && !mail.secretExpiresAt().isAfter(now));
    }

    /** The text, or empty when the mail's one-time secret can no longer be revealed. */
    private Optional<Rendered> render(Claimed mail) {
        if (mail.kind() == MailKind.NOTICE) {
            return Optional.of(templates.notice(mail.notice(), mail.details()));
        }
        return secrets.reveal(mail.secretId()).map(secret -> templates.secret(mail.kind(), secret, mail.secretExpiresAt()));
    }

    /** retry-delay, doubled after each further failure, at most retry-max-delay. */
    Duration backOff(int attempts) {
        Duration delay = config.retryDelay();
        for (int i = 1; i < attempts && delay.compareTo(config.retryMaxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.retryMaxDelay()) > 0 ? config.retryMaxDelay() : delay;
    }

    /** A failure without its message, which may quote the recipient (an SMTP reply) or the server. */
    private static String describe(Throwable failure) {
        if (failure instanceof SMTPException smtp) {
            return "SMTP reply " + smtp.getReplyCode();
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName();
    }
}
