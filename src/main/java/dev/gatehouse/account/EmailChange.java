package dev.gatehouse.account;

import dev.gatehouse.common.Causes;
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
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import org.hibernate.exception.ConstraintViolationException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * docs/api.md "E-mail change": the new address proves itself with a mailed link or code before it
 * replaces the old one; the old address hears of the request and of the change. The switch changes the
 * stamp: access tokens with the old {@code upn} stop, sessions stay and refresh to the new address.
 */
@Singleton
public class EmailChange {

    private final AccountSecurity accountSecurity;
    private final OneTimeSecrets secrets;
    private final Outbox outbox;
    private final SecurityEvents events;
    private final Revocations revocations;
    private final GatehouseConfig config;

    EmailChange(AccountSecurity accountSecurity, OneTimeSecrets secrets, Outbox outbox, SecurityEvents events,
                Revocations revocations, GatehouseConfig config) {
        this.accountSecurity = accountSecurity;
        this.secrets = secrets;
        this.outbox = outbox;
        this.events = events;
        this.revocations = revocations;
        this.config = config;
    }

    /**
     * Checks the current password (a failure for the lockout when wrong), then queues the confirmation to
     * the new address and a notice to the old one. 409 {@code email_taken} when the new address, or a
     * look-alike, has an account (this one included: the address is already its own).
     */
    public void request(Caller caller, String newEmail, String currentPassword, String clientAddress) {
        User verified = accountSecurity.checkCurrentPassword(caller.userId(), currentPassword, clientAddress);
        String skeleton = Emails.skeleton(newEmail);
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.findById(caller.userId(), LockModeType.PESSIMISTIC_WRITE);
            // A suspension, logout-all or password change that committed while the password was being checked
            // changed the stamp: the change asked for under the old one must not outlive it (nor be issued
            // under the new stamp, where it would survive it).
            if (user == null || !user.isActive() || !user.securityStamp.equals(caller.stamp())) {
                throw new AuthenticationFailedException("the caller's stamp changed during the request");
            }
            if (!user.passwordHash.equals(verified.passwordHash)) {
                throw Problems.invalidCurrentPassword(); // changed by a concurrent request since we verified it
            }
            if (Accounts.lockAndCheckTaken(newEmail, skeleton)) {
                throw Problems.emailTaken();
            }
            secrets.issue(user, Purpose.CONFIRM_EMAIL_CHANGE, newEmail, config.emailChange().ttl(),
                    EmailVerification.MAILS_PER_HOUR).ifPresent(issued -> {
                outbox.enqueue(Mail.secret(Purpose.CONFIRM_EMAIL_CHANGE.mail(), newEmail, user.id, issued.id(),
                        issued.expiresAt()));
                outbox.enqueue(Mail.notice(Notice.EMAIL_CHANGE_REQUESTED, user.email, user.id,
                        Map.of("newEmail", newEmail)));
            });
        });
    }

    /** The link, which alone proves the new address: no sign-in needed. */
    public void confirmWithToken(String token) {
        confirm(secrets.byToken(Purpose.CONFIRM_EMAIL_CHANGE, token));
    }

    /** The code, typed by the signed-in user. */
    public void confirmWithCode(UUID userId, String code) {
        confirm(secrets.byCode(Purpose.CONFIRM_EMAIL_CHANGE, userId, code));
    }

    private void confirm(Optional<OneTimeSecret> found) {
        OneTimeSecret secret = found.orElseThrow(Problems::invalidCode);
        String newEmail = secret.email;
        String skeleton = Emails.skeleton(newEmail);
        try {
            secrets.redeem(secret, (user, used, now) -> {
                if (Accounts.lockAndCheckTaken(newEmail, skeleton)) {
                    throw Problems.emailTaken(); // taken meanwhile: the secret is not used up (the transaction rolls back)
                }
                String oldEmail = user.email;
                user.email = newEmail;
                user.emailSkeleton = skeleton;
                user.emailVerified = true;
                user.securityStamp = SecureIds.newStamp(); // secrets sent to the old address die with it
                user.updatedAt = now;
                User.flush();
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("from", oldEmail);
                details.put("to", newEmail);
                events.record(user.id, null, SecurityEventKind.EMAIL_CHANGED, now, details);
                outbox.enqueue(Mail.notice(Notice.EMAIL_CHANGED, oldEmail, user.id, Map.of("newEmail", newEmail)));
                revocations.userChanged(user.id);
            });
        } catch (RuntimeException e) {
            // a registration of the same address committed between the check and the update: the unique index decides
            if (Causes.hasCause(e, ConstraintViolationException.class)) {
                throw Problems.emailTaken();
            }
            throw e;
        }
    }
}
