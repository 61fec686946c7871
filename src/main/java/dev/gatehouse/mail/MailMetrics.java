package dev.gatehouse.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * docs/mail.md "Metrics": {@code gatehouse_mails_total{kind,outcome}} and {@code gatehouse_mail_queue_depth}. The
 * labels are closed sets of words, never an address or a user id. Every series exists from the start at 0, so a
 * rate over it needs no first occurrence.
 */
@Singleton
class MailMetrics {

    enum Outcome { SENT, RETRIED, DROPPED }

    private final Map<MailKind, Map<Outcome, Counter>> counters = new EnumMap<>(MailKind.class);
    /** Refreshed by each run of the sender: a scrape costs no query. */
    private final AtomicLong depth = new AtomicLong();

    MailMetrics(MeterRegistry registry) {
        for (MailKind kind : MailKind.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Counter.builder("gatehouse.mails").description("Mails by kind and outcome")
                        .tag("kind", kind.label()).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
            }
            counters.put(kind, byOutcome);
        }
        Gauge.builder("gatehouse.mail.queue.depth", depth, AtomicLong::get)
                .description("Mails queued and not yet sent or dropped, on every instance").register(registry);
    }

    void count(MailKind kind, Outcome outcome) {
        counters.get(kind).get(outcome).increment();
    }

    void depth(long mails) {
        depth.set(mails);
    }
}
