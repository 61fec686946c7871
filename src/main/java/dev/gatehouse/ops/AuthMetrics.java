package dev.gatehouse.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * The counters of docs/operations.md "Metrics". Labels are closed sets of words (outcomes, reasons): never a user id,
 * an email, a token or an address.
 */
@Singleton
public class AuthMetrics {

    private final MeterRegistry registry;
    private final Counter replays;
    private final Counter lockouts;

    AuthMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.replays = Counter.builder("gatehouse.replays.detected").description("Refresh-token replays detected")
                .register(registry);
        this.lockouts = Counter.builder("gatehouse.lockouts").description("Accounts locked after failed logins")
                .register(registry);
    }

    /** {@code success, invalid_credentials, account_suspended, rate_limited}. */
    public void login(String outcome) {
        Counter.builder("gatehouse.logins").description("Login attempts by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    /** {@code success, invalid_credentials, clone_suspected, account_suspended, rate_limited}. */
    public void passkeyLogin(String outcome) {
        Counter.builder("gatehouse.passkey.logins").description("Passkey sign-ins by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    /** docs/mfa.md "Metrics": {@code issued} for a login answered {@code mfa_required}, then each {@code login/mfa} outcome. */
    public void mfaChallenge(String outcome) {
        Counter.builder("gatehouse.mfa.challenges").description("Second-factor challenges by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    /** {@code rotated, retried, invalid, replayed, rate_limited}. */
    public void refresh(String outcome) {
        Counter.builder("gatehouse.refreshes").description("Refresh attempts by outcome").tag("outcome", outcome)
                .register(registry).increment();
    }

    public void replayDetected() {
        replays.increment();
    }

    /** One session revoked, by reason ({@code logout, replay_detected, logout_all, ...}). */
    public void revocation(String reason) {
        Counter.builder("gatehouse.revocations").description("Sessions revoked by reason").tag("reason", reason)
                .register(registry).increment();
    }

    public void lockout() {
        lockouts.increment();
    }
}
