package dev.gatehouse.mfa;

import io.quarkus.scheduler.Scheduled;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * After a rotation of {@code gatehouse.secret} (docs/operations.md "The server secret"), seals the TOTP secrets
 * sealed under a previous secret again under the current one, a batch at a time, so that the previous secret can
 * be dropped once the log says there is nothing left to reseal.
 */
@Singleton
class TotpReseal {

    private static final Logger LOG = Logger.getLogger(TotpReseal.class);
    private static final int BATCH = 100;
    private static final int MAX_BATCHES = 50;

    private final SecondFactor secondFactor;

    TotpReseal(SecondFactor secondFactor) {
        this.secondFactor = secondFactor;
    }

    @Scheduled(every = "${gatehouse.purge.interval:PT10M}", delayed = "2m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            long total = 0;
            for (int i = 0; i < MAX_BATCHES; i++) {
                int resealed = secondFactor.resealStale(BATCH);
                total += resealed;
                if (resealed < BATCH) {
                    break;
                }
            }
            if (total > 0) {
                LOG.infof("Sealed %d TOTP secrets again under the current gatehouse.secret", total);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Resealing TOTP secrets failed: %s", e.getClass().getSimpleName());
        }
    }
}
