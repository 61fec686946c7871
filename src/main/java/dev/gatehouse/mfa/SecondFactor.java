package dev.gatehouse.mfa;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.common.SecureIds;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.mail.Notice;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.RecentSignIn;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The user's second factor (docs/mfa.md): TOTP set-up and confirmation, new recovery codes, turning it off
 * (by the user with a code, or by an admin), and the check of a code or recovery code. Every change locks the
 * user row first, as every other change of the account does, so changes of one user serialize.
 */
@Singleton
public class SecondFactor {

    private static final Logger LOG = Logger.getLogger(SecondFactor.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What set-up answers: the base32 secret and the key URI an authenticator app reads from a QR code. */
    @RegisterForReflection // serialized from a Response entity: native needs it registered
    public record Setup(String secret, String otpauthUri) {
        @Override
        public String toString() {
            return "Setup[redacted]";
        }
    }

    /** The second-factor state shown to its owner (docs/api.md "GET /api/users/me/export"): never the secret. */
    @RegisterForReflection // serialized inside the export
    public record State(boolean enabled, Instant enabledAt, long recoveryCodesLeft) {
    }

    /** A TOTP code or a recovery code: exactly one is set. */
    public record Proof(String code, String recoveryCode) {
        public boolean isRecoveryCode() {
            return recoveryCode != null;
        }

        @Override
        public String toString() {
            return "Proof[redacted]";
        }
    }

    /** What confirming and renewing answer: the recovery codes, this once. */
    @RegisterForReflection // serialized from a Response entity: native needs it registered
    public record RecoveryCodesView(List<String> recoveryCodes) {
        @Override
        public String toString() {
            return "RecoveryCodesView[redacted]";
        }
    }

    private enum Verdict { RIGHT, WRONG, NOT_ENABLED }

    private final TotpSecretSeal seal;
    private final RecoveryCodes recoveryCodes;
    private final RecentSignIn recentSignIn;
    private final LoginLockout lockout;
    private final SecurityEvents events;
    private final Outbox outbox;
    private final Revocations revocations;
    private final GatehouseConfig config;
    private final Clock clock;

    SecondFactor(TotpSecretSeal seal, RecoveryCodes recoveryCodes, RecentSignIn recentSignIn, LoginLockout lockout,
                 SecurityEvents events, Outbox outbox, Revocations revocations, GatehouseConfig config, Clock clock) {
        this.seal = seal;
        this.recoveryCodes = recoveryCodes;
        this.recentSignIn = recentSignIn;
        this.lockout = lockout;
        this.events = events;
        this.outbox = outbox;
        this.revocations = revocations;
        this.config = config;
        this.clock = clock;
    }

    /** Whether TOTP is on for the user. */
    public boolean enabled(UUID userId) {
        return QuarkusTransaction.requiringNew().call(() -> TotpFactor.enabledFor(userId));
    }

    public State state(UUID userId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            TotpFactor factor = TotpFactor.findById(userId);
            boolean on = factor != null && factor.enabled();
            return new State(on, on ? factor.enabledAt : null, on ? RecoveryCode.unusedCount(userId) : 0);
        });
    }

    /**
     * docs/mfa.md "Turning it on": a new secret, pending until {@link #confirm}; it replaces a pending one. Needs
     * a verified e-mail and a recent sign-in (403 {@code reauthentication_required}); 409
     * {@code mfa_already_enabled} while TOTP is on.
     */
    public Setup setup(Caller caller) {
        if (enabled(caller.userId())) {
            throw Problems.mfaAlreadyEnabled(); // first: whatever the session, the answer is "turn it off first"
        }
        recentSignIn.require(caller);
        byte[] secret = new byte[Totp.SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return QuarkusTransaction.requiringNew().call(() -> {
            User user = lock(caller.userId());
            TotpFactor factor = TotpFactor.findById(user.id);
            if (factor != null && factor.enabled()) {
                throw Problems.mfaAlreadyEnabled();
            }
            if (factor == null) {
                factor = new TotpFactor();
                factor.userId = user.id;
            }
            TotpSecretSeal.Sealed sealed = seal.seal(user.id, secret);
            factor.sealedSecret = sealed.sealed();
            factor.keyId = sealed.keyId();
            // a stamp change (password, logout-all, ...) kills the pending set-up (docs/mfa.md "Turning it on")
            factor.setupStamp = user.securityStamp;
            factor.lastUsedStep = null;
            factor.wrongCodes = 0;
            factor.createdAt = clock.instant();
            factor.persist();
            String base32 = Totp.base32(secret);
            return new Setup(base32, otpauthUri(user.email, base32));
        });
    }

    /**
     * docs/mfa.md "Turning it on": the first code from the app turns TOTP on and returns ten recovery codes, shown
     * this once. 409 {@code mfa_not_enabled} without a pending set-up (or one made under an older stamp, older
     * than 15 minutes, or ended by its 5th wrong code); 400 {@code invalid_mfa_code} for a wrong code.
     */
    public List<String> confirm(Caller caller, String code) {
        List<String> codes = QuarkusTransaction.requiringNew().call(() -> {
            User user = lock(caller.userId());
            TotpFactor factor = TotpFactor.findById(user.id);
            Instant now = clock.instant();
            if (factor == null || !factor.pendingUnder(user.securityStamp, now)) {
                throw Problems.mfaNotEnabled();
            }
            OptionalLong step = match(factor, code, now, null);
            if (step.isEmpty()) {
                // counted in this committed transaction, under the user's lock: a session that did not make the
                // set-up cannot guess its way to the recovery codes (5 guesses, then the set-up is gone)
                if (++factor.wrongCodes >= TotpFactor.MAX_WRONG_CONFIRMS) {
                    factor.delete();
                }
                return null;
            }
            factor.enabledAt = now;
            factor.setupStamp = null;
            factor.wrongCodes = 0;
            factor.lastUsedStep = step.getAsLong(); // the confirming code is used: it cannot sign in as well
            user.mfaEnabled = true;
            user.updatedAt = now;
            List<String> fresh = recoveryCodes.replace(user.id);
            events.record(user.id, caller.sessionId(), SecurityEventKind.MFA_ENABLED, now, Map.of());
            revocations.userChanged(user.id); // no stamp change: only the cached user state (mfaEnabled) is stale
            outbox.enqueue(Mail.notice(Notice.MFA_ENABLED, user.email, user.id, Map.of()));
            return fresh;
        });
        if (codes == null) {
            throw Problems.invalidMfaCode();
        }
        return codes;
    }

    /**
     * docs/mfa.md "Recovery codes": a TOTP code buys a new set; the old one dies. Guarded like a password
     * (docs/api.md "Account lockout"): a wrong code answers 400 {@code invalid_mfa_code} and counts.
     */
    public List<String> renewRecoveryCodes(Caller caller, String code, String clientAddress) {
        @SuppressWarnings("unchecked") List<String>[] codes = new List[1];
        guarded(caller, new Proof(code, null), clientAddress, (user, now) -> {
            codes[0] = recoveryCodes.replace(user.id);
            outbox.enqueue(Mail.notice(Notice.RECOVERY_CODES_RENEWED, user.email, user.id, Map.of()));
        });
        return codes[0];
    }

    /**
     * docs/mfa.md "Turning it off": with a TOTP or a recovery code, guarded like a password. Changes the stamp: every
     * access token of the user stops, as does every pending {@code mfaToken}; sessions stay.
     */
    public void disable(Caller caller, Proof proof, String clientAddress) {
        guarded(caller, proof, clientAddress, (user, now) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("with", proof.isRecoveryCode() ? "recovery_code" : "totp");
            turnOff(user, caller.sessionId(), now, details);
        });
    }

    /** docs/mfa.md "Admin reset": for a user who lost the device; 404 for no such user, 409 when TOTP is off. */
    public void reset(UUID userId, UUID adminId) {
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (user == null) {
                throw Problems.noSuchUser();
            }
            TotpFactor factor = TotpFactor.findById(user.id);
            if (factor == null || !factor.enabled()) {
                throw Problems.mfaNotEnabled();
            }
            turnOff(user, null, clock.instant(), Map.of("by", adminId.toString()));
        });
    }

    /**
     * Checks a TOTP code (the step is used up, RFC 6238 §5.2) or uses up a recovery code of the locked user, in
     * the caller's transaction. A recovery code used records {@code recovery_code_used}.
     */
    boolean proves(User user, UUID sessionId, Proof proof, Instant now) {
        TotpFactor factor = TotpFactor.findById(user.id);
        if (factor == null || !factor.enabled()) {
            return false;
        }
        if (proof.isRecoveryCode()) {
            if (!recoveryCodes.use(user.id, proof.recoveryCode(), now)) {
                return false;
            }
            events.record(user.id, sessionId, SecurityEventKind.RECOVERY_CODE_USED, now,
                    Map.of("recoveryCodesLeft", RecoveryCode.unusedCount(user.id)));
            return true;
        }
        OptionalLong step = match(factor, proof.code(), now, factor.lastUsedStep);
        return step.isPresent() && TotpFactor.useStep(user.id, step.getAsLong());
    }

    /**
     * Seals again, under the current server secret, the TOTP secrets sealed under a previous one
     * (docs/operations.md "The server secret"): at most {@code batch} per call; returns how many.
     */
    public int resealStale(int batch) {
        int resealed = 0;
        // only what a previous secret can open: a row no accepted key opens would be picked up again and again
        for (byte[] previous : seal.previousKeyIds()) {
            resealed += QuarkusTransaction.requiringNew().call(() -> {
                List<TotpFactor> stale = TotpFactor.<TotpFactor>find("keyId", previous).page(0, batch)
                        .withLock(LockModeType.PESSIMISTIC_WRITE).list();
                int count = 0;
                for (TotpFactor factor : stale) {
                    var opened = seal.open(factor.userId, factor.sealedSecret, factor.keyId);
                    if (opened.isPresent()) {
                        TotpSecretSeal.Sealed sealed = seal.seal(factor.userId, opened.get().secret());
                        factor.sealedSecret = sealed.sealed();
                        factor.keyId = sealed.keyId();
                        count++;
                    }
                }
                return count;
            });
        }
        return resealed;
    }

    @FunctionalInterface
    private interface Change {
        void apply(User lockedUser, Instant now);
    }

    /**
     * A change that a code proves: 409 {@code mfa_not_enabled} while TOTP is off, 429 while the account is locked
     * for this address (docs/api.md "Account lockout"), and the code checked and the change made in one
     * transaction under the user's row lock. A wrong code is 400 {@code invalid_mfa_code} and stays counted.
     */
    private void guarded(Caller caller, Proof proof, String clientAddress, Change change) {
        User user = QuarkusTransaction.requiringNew().call(() -> User.<User>findById(caller.userId()));
        if (user == null) {
            throw new UnauthorizedException(); // deleted since the Bearer check
        }
        if (!enabled(user.id)) {
            throw Problems.mfaNotEnabled();
        }
        Verdict[] verdict = {Verdict.WRONG};
        try (LoginLockout.Attempt attempt = lockout.begin(Emails.normalize(user.email), clientAddress,
                LoginLockout.Secret.SECOND_FACTOR)) {
            attempt.check(() -> {
                verdict[0] = QuarkusTransaction.requiringNew().call(() -> {
                    User locked = lock(caller.userId());
                    if (!TotpFactor.enabledFor(locked.id)) {
                        return Verdict.NOT_ENABLED; // turned off meanwhile: not a wrong code
                    }
                    Instant now = clock.instant();
                    if (!proves(locked, caller.sessionId(), proof, now)) {
                        return Verdict.WRONG;
                    }
                    change.apply(locked, now);
                    return Verdict.RIGHT;
                });
                return verdict[0] != Verdict.WRONG;
            });
        }
        if (verdict[0] == Verdict.NOT_ENABLED) {
            throw Problems.mfaNotEnabled();
        }
        if (verdict[0] == Verdict.WRONG) {
            throw Problems.invalidMfaCode();
        }
    }

    private void turnOff(User user, UUID sessionId, Instant now, Map<String, ?> details) {
        TotpFactor.deleteById(user.id);
        RecoveryCode.delete("userId", user.id);
        MfaChallenge.delete("userId", user.id);
        // docs/mfa.md "Turning it off": every access token of the user stops at once; sessions stay
        user.mfaEnabled = false;
        user.securityStamp = SecureIds.newStamp();
        user.updatedAt = now;
        events.record(user.id, sessionId, SecurityEventKind.MFA_DISABLED, now, details);
        outbox.enqueue(Mail.notice(Notice.MFA_DISABLED, user.email, user.id, Map.of()));
        revocations.userChanged(user.id);
    }

    /** Whether {@code code} is a code of the factor's secret newer than its last used step (RFC 6238 §5.2). */
    private OptionalLong match(TotpFactor factor, String code, Instant now, Long lastUsed) {
        var opened = seal.open(factor.userId, factor.sealedSecret, factor.keyId);
        if (opened.isEmpty()) {
            // no secret, no user: only what an operator can act on
            LOG.warn("A TOTP secret could not be opened: is the server secret that sealed it missing from "
                    + "gatehouse.previous-secrets? Its user can sign in with a recovery code or be reset by an admin.");
            return OptionalLong.empty();
        }
        return Totp.match(opened.get().secret(), code, now, lastUsed);
    }

    /** The Key Uri Format of authenticator apps: {@code otpauth://totp/<issuer>:<email>?secret=...&issuer=...}. */
    private String otpauthUri(String email, String secret) {
        String issuer = config.mfa().issuer();
        return "otpauth://totp/" + encode(issuer) + ":" + encode(email) + "?secret=" + secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP.getSeconds();
    }

    /** Percent-encoding (RFC 3986 §2.1) with a space as %20, not '+', and '@' kept as apps show it. */
    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    private static User lock(UUID userId) {
        User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
        if (user == null) {
            throw new UnauthorizedException(); // deleted since the Bearer check (docs/api.md "Account deletion")
        }
        return user;
    }
}
