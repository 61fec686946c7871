package dev.gatehouse.account;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Work that must not change how long an answer takes (docs/api.md "POST /api/auth/password/forgot"): a
 * call that names an address answers once it has counted the request, the same for every address, and
 * the look-up of the account, the secret and the mail follow here, after the answer. The queue is bounded;
 * when it is full (a flood the per-IP limits let through) the request's own thread does the work, so none
 * is dropped. Work still queued when the instance stops is lost, as a request that never arrived: the
 * user asks again.
 */
@Singleton
class AfterAnswer {

    private static final Logger LOG = Logger.getLogger(AfterAnswer.class);

    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1_000), task -> {
                Thread thread = new Thread(task, "gatehouse-after-answer");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    void run(Runnable work) {
        executor.execute(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                // no stack trace: its messages could quote a row; the user can ask again
                LOG.warnf("Work after an answer failed: %s", e.getClass().getSimpleName());
            }
        });
    }

    /** For tests: waits until everything queued so far has run. */
    void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((executor.getActiveCount() > 0 || !executor.getQueue().isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
