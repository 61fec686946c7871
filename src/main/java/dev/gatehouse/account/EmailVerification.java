package dev.gatehouse.account;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.onetime.OneTimeSecret;
import dev.gatehouse.onetime.OneTimeSecrets;
import dev.gatehouse.onetime.Purpose;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * docs/api.md "E-mail verification": a verification mail at registration and on request, and the
 * redemption of its link or code. Verifying changes no stamp; the access token's {@code email_verified}
 * follows on the next refresh, {@code /api/users/me} at once.
 */
@Singleton
public class EmailVerification {

    /** docs/mail.md "Limits": mails that carry a code, an hour per account. */
    static final int MAILS_PER_HOUR = 3;

    private final OneTimeSecrets secrets;
    private final Outbox outbox;
    private final SecurityEvents events;
    private final Revocations revocations;
    private final GatehouseConfig config;
    private final AfterAnswer afterAnswer;

    EmailVerification(AfterAnswer afterAnswer, OneTimeSecrets secrets, Outbox outbox, SecurityEvents events, Revocations revocations,
                      GatehouseConfig config) {
        this.afterAnswer = afterAnswer;
        this.secrets = secrets;
        this.outbox = outbox;
        this.events = events;
        this.revocations = revocations;
        this.config = config;
    }

    /** Registration: the first verification mail, in the registration's transaction (the new row is this transaction's). */
    public void queueFor(User newUser) {
        queue(newUser);
    }

    /** A new verification mail for the signed-in user; none when already verified (the same 202). */
    public void requestFor(UUID userId) {
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (user != null) {
                queue(user);
            }
        });
    }

    /** A new verification mail for this address; none when it is unknown, suspended or verified (the same 202). */
    public void requestFor(String normalizedEmail) {
        // counted whether or not the address has an account, and looked up after the answer (as a forgotten
        // password is): the answer takes as long for any address
        int requests = QuarkusTransaction.requiringNew().call(() -> secrets.countMailRequest(normalizedEmail,
                Purpose.VERIFY_EMAIL));
        if (requests <= MAILS_PER_HOUR) {
            afterAnswer.run(() -> QuarkusTransaction.requiringNew().run(() -> User.<User>find(
                            "lower(email) = lower(?1) and email = ?1", normalizedEmail)
                    .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional().ifPresent(this::queue)));
        }
    }

    /** The link. */
    public void verifyToken(String token) {
        redeem(secrets.byToken(Purpose.VERIFY_EMAIL, token));
    }

    /** The code typed into the app, with the address it was sent to. */
    public void verifyCode(String normalizedEmail, String code) {
        Optional<User> user = QuarkusTransaction.requiringNew().call(() -> User.findByEmail(normalizedEmail));
        redeem(user.flatMap(found -> secrets.byCode(Purpose.VERIFY_EMAIL, found.id, code)));
    }

    private void queue(User lockedUser) {
        if (lockedUser.emailVerified || !lockedUser.isActive()) {
            return;
        }
        secrets.issue(lockedUser, Purpose.VERIFY_EMAIL, lockedUser.email, config.emailVerification().ttl(), MAILS_PER_HOUR)
                .ifPresent(issued -> outbox.enqueue(Mail.secret(Purpose.VERIFY_EMAIL.mail(), lockedUser.email,
                        lockedUser.id, issued.id(), issued.expiresAt())));
    }

    private void redeem(Optional<OneTimeSecret> found) {
        OneTimeSecret secret = found.orElseThrow(Problems::invalidCode);
        secrets.redeem(secret, (user, used, now) -> {
            // sent to an address the account no longer has: an e-mail change changes the stamp, so this is belt and braces
            if (!used.email.equals(user.email)) {
                throw Problems.invalidCode();
            }
            if (!user.emailVerified) {
                user.emailVerified = true;
                user.updatedAt = now;
                events.record(user.id, null, SecurityEventKind.EMAIL_VERIFIED, now, Map.of());
            }
            revocations.userChanged(user.id); // /api/users/me answers from the cached user: drop it everywhere
        });
    }
}
