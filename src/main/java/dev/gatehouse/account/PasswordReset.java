package dev.gatehouse.account;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.common.SecureIds;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.mail.Notice;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.onetime.OneTimeSecret;
import dev.gatehouse.onetime.OneTimeSecrets;
import dev.gatehouse.onetime.Purpose;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.session.SessionRevocation;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.Passwords;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.util.Map;
import java.util.Optional;

/**
 * docs/api.md "Password reset": a forgotten password is replaced through a mailed link or code. The
 * request answers alike whether or not the address has an account (the mail is queued, never sent
 * inline); a reset ends every session and every access token, and leaves any second factor on.
 */
@Singleton
public class PasswordReset {

    private final OneTimeSecrets secrets;
    private final Passwords passwords;
    private final Outbox outbox;
    private final SessionRevocation sessions;
    private final Revocations revocations;
    private final SecurityEvents events;
    private final LoginLockout lockout;
    private final GatehouseConfig config;
    private final AfterAnswer afterAnswer;

    PasswordReset(AfterAnswer afterAnswer, OneTimeSecrets secrets, Passwords passwords, Outbox outbox, SessionRevocation sessions,
                  Revocations revocations, SecurityEvents events, LoginLockout lockout, GatehouseConfig config) {
        this.afterAnswer = afterAnswer;
        this.secrets = secrets;
        this.passwords = passwords;
        this.outbox = outbox;
        this.sessions = sessions;
        this.revocations = revocations;
        this.events = events;
        this.lockout = lockout;
        this.config = config;
    }

    /*
     * The answer does the same work for every address: it counts the request against the address's hourly
     * cap (one upsert, known and unknown alike) and answers. Whether the address has an account is looked up
     * after the answer (AfterAnswer): only a known, active address under its cap then gets the secret, the
     * mail and the event, in one transaction (docs/api.md "POST /api/auth/password/forgot").
     */
    public void forgot(String normalizedEmail) {
        int requests = QuarkusTransaction.requiringNew().call(() -> secrets.countMailRequest(normalizedEmail,
                Purpose.RESET_PASSWORD));
        if (requests <= config.passwordReset().maxPerHour()) {
            afterAnswer.run(() -> queueReset(normalizedEmail));
        }
    }

    private void queueReset(String normalizedEmail) {
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.<User>find("lower(email) = lower(?1) and email = ?1", normalizedEmail)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional().filter(User::isActive).orElse(null);
            if (user == null) {
                return;
            }
            secrets.issue(user, Purpose.RESET_PASSWORD, user.email, config.passwordReset().ttl(),
                    config.passwordReset().maxPerHour()).ifPresent(issued -> {
                outbox.enqueue(Mail.secret(Purpose.RESET_PASSWORD.mail(), user.email, user.id, issued.id(), issued.expiresAt()));
                events.record(user.id, null, SecurityEventKind.PASSWORD_RESET_REQUESTED, issued.createdAt(), Map.of());
            });
        });
    }

    public void resetWithToken(String token, String newPassword) {
        reset(secrets.byToken(Purpose.RESET_PASSWORD, token), newPassword);
    }

    public void resetWithCode(String normalizedEmail, String code, String newPassword) {
        Optional<User> user = QuarkusTransaction.requiringNew().call(() -> User.findByEmail(normalizedEmail));
        reset(user.flatMap(found -> secrets.byCode(Purpose.RESET_PASSWORD, found.id, code)), newPassword);
    }

    private void reset(Optional<OneTimeSecret> found, String newPassword) {
        // Argon2id only for a secret that can still be redeemed: a wrong link costs the server no hashing
        OneTimeSecret secret = found.filter(secrets::mayRedeem).orElseThrow(Problems::invalidCode);
        String hash = passwords.hash(newPassword); // outside the transaction
        secrets.redeem(secret, (user, used, now) -> {
            user.passwordHash = hash;
            user.emailVerified = true; // the mail reached this address
            user.securityStamp = SecureIds.newStamp(); // every access token stops, every other pending secret dies
            user.updatedAt = now;
            int revoked = sessions.revokeAll(user.id, null, now, "password_reset");
            // docs/api.md "Account lockout": the owner is back in; wrong TOTP codes stay counted
            lockout.forgetPasswordFailures(Emails.normalize(user.email));
            events.record(user.id, null, SecurityEventKind.PASSWORD_RESET, now, Map.of("sessionsRevoked", revoked));
            outbox.enqueue(Mail.notice(Notice.PASSWORD_RESET, user.email, user.id, Map.of()));
            revocations.userChanged(user.id);
        });
    }
}
