package dev.gatehouse.dpop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** {@code gatehouse_dpop_rejections_total{reason}} (docs/operations.md "Metrics"): proofs refused, by a closed set of reasons. */
@Singleton
public class DpopMetrics {

    /** Why a proof was refused; never anything from the proof itself. */
    public enum Reason {
        /** No proof where one was needed (a bound session, or {@code gatehouse.dpop.required}). */
        MISSING,
        /** Not a well-formed proof: several headers, too long, not a JWS, a wrong {@code typ}, {@code alg} or key. */
        MALFORMED,
        SIGNATURE,
        /** {@code htm} or {@code htu} not this request's. */
        TARGET,
        /** {@code iat} too old or too far ahead. */
        IAT,
        /** A valid proof from another key than the session's. */
        WRONG_KEY,
        /** A proof seen before, on any instance. */
        REPLAYED
    }

    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    DpopMetrics(MeterRegistry registry) {
        for (Reason reason : Reason.values()) {
            counters.put(reason, Counter.builder("gatehouse.dpop.rejections").description("DPoP proofs refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    public void rejected(Reason reason) {
        counters.get(reason).increment();
    }
}
