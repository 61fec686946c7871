package dev.gatehouse.dpop;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.inject.Singleton;

/** Makes a verified proof single-use, inside the caller's transaction (docs/dpop.md "Each proof once"). */
@Singleton
public class UsedDpopProofs {

    private final DpopMetrics metrics;

    UsedDpopProofs(DpopMetrics metrics) {
        this.metrics = metrics;
    }

    /** True the first time this proof is seen on any instance; false (counted as {@code replayed}) after. */
    public boolean record(DpopProof proof) {
        int inserted = Panache.getEntityManager().createNativeQuery(UsedDpopProof.RECORD)
                .setParameter(1, proof.hash()).setParameter(2, proof.keepUntil()).executeUpdate();
        if (inserted != 1) {
            metrics.rejected(DpopMetrics.Reason.REPLAYED);
            return false;
        }
        return true;
    }
}
