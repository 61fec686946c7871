package dev.gatehouse.auth;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefreshQueueTest {

    private final int turns = 2 * Runtime.getRuntime().availableProcessors();

    @Test
    void runsAtMostTwoPerCoreAtOnce() throws Exception {
        RefreshQueue queue = new RefreshQueue();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4 * turns);
        try {
            Future<?>[] calls = new Future<?>[8 * turns];
            for (int i = 0; i < calls.length; i++) {
                calls[i] = pool.submit(() -> queue.run(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleepQuietly(20); // holds its turn while the others pile up
                    running.decrementAndGet();
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(turns, most.get(), "as many at once as there are turns, never more");
    }

    @Test
    void aRefreshThatWaitedTooLongRunsAnyway() throws Exception {
        RefreshQueue queue = new RefreshQueue();
        CountDownLatch holding = new CountDownLatch(turns);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(turns);
        try {
            for (int i = 0; i < turns; i++) { // a stalled database: every turn is taken and held
                pool.submit(() -> queue.run(() -> {
                    holding.countDown();
                    awaitQuietly(release);
                    return null;
                }));
            }
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            String answer = queue.run(() -> "ran");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("ran", answer);
            assertTrue(waitedMs >= RefreshQueue.MAX_WAIT_MS - 5 && waitedMs < 5_000, "waited " + waitedMs + " ms");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
