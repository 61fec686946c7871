package dev.gatehouse.account;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.mail.Notice;
import dev.gatehouse.onetime.OneTimeSecrets;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.session.Session;
import dev.gatehouse.session.SessionRevocation;
import dev.gatehouse.token.RefreshToken;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Account deletion (docs/api.md "Account deletion"): one transaction that locks the user row, applies the
 * last-admin rule, revokes every session (every access token stops within 1 s, on every instance), deletes
 * the user's personal data for real, and keeps only an {@code account_deleted} event and a notice queued to
 * the old address.
 * <p>
 * Requests of the user that race the deletion find the user row gone once they get its lock (a login, a
 * password change, an admin change), or the session row gone (a session revocation, a replay), and so write
 * nothing after it: security events and mails of the user are only ever written under one of those locks.
 */
@Singleton
public class AccountDeletion {

    private static final String REASON = "account_deleted";

    /*
     * The race it closes: a refresh in flight (RotationStatement) locks its token row, then its session row,
     * then prunes the session's oldest tokens. Deleting the sessions first (their tokens by cascade) would
     * lock the session row and then wait for the token row: a deadlock, which PostgreSQL resolves by failing
     * one of the two. So the tokens go first, newest first (the order a rotation locks a session's rows in),
     * while no session row is locked: a rotation we wait for finishes and commits its successor. The
     * successor is not in this statement's snapshot, so the statement runs again until it finds nothing; then
     * no token is left that a rotation could lock, and none can be created (a new one needs an old one).
     */
    private static final String DELETE_TOKENS = """
            delete from refresh_tokens where id in (
              select t.id from refresh_tokens t join sessions s on s.id = t.session_id
               where s.user_id = :user order by t.id desc for update of t)""";
    /** Each pass needs a client to rotate in between; past this, PostgreSQL's deadlock detection is the backstop. */
    private static final int MAX_TOKEN_PASSES = 10;

    private final AccountSecurity accountSecurity;
    private final LoginLockout lockout;
    private final ActiveAdmins activeAdmins;
    private final SessionRevocation sessions;
    private final Revocations revocations;
    private final SecurityEvents events;
    private final Outbox outbox;
    private final OneTimeSecrets mailRequests;
    private final Clock clock;

    AccountDeletion(AccountSecurity accountSecurity, LoginLockout lockout, ActiveAdmins activeAdmins, SessionRevocation sessions,
                    Revocations revocations, SecurityEvents events, Outbox outbox, OneTimeSecrets mailRequests, Clock clock) {
        this.mailRequests = mailRequests;
        this.accountSecurity = accountSecurity;
        this.lockout = lockout;
        this.activeAdmins = activeAdmins;
        this.sessions = sessions;
        this.revocations = revocations;
        this.events = events;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * {@code DELETE /api/users/me}: the password is guarded like a password change's current password
     * ({@link AccountSecurity#checkCurrentPassword}: 429 while locked, a wrong one 400 and counted). 401 when
     * the account was deleted meanwhile (a parallel request): the caller's token is no longer valid.
     */
    public void deleteOwn(Caller caller, String password, String clientAddress) {
        User verified = accountSecurity.checkCurrentPassword(caller.userId(), password, clientAddress);
        if (!delete(caller.userId(), verified.passwordHash, caller.stamp(), Map.of("by", "user"))) {
            throw new UnauthorizedException();
        }
    }

    /** {@code DELETE /api/admin/users/{id}}: 404 {@code not_found} for an unknown user. */
    public void deleteByAdmin(UUID userId, UUID adminId) {
        if (!delete(userId, null, null, Map.of("by", "admin", "adminId", adminId.toString()))) {
            throw Problems.noSuchUser();
        }
    }

    /**
     * False when the user does not exist. {@code verifiedHash} and {@code callerStamp}: the password hash a
     * self-service deletion verified against, and the stamp of the token that asked; null for an admin's.
     */
    private boolean delete(UUID userId, String verifiedHash, String callerStamp, Map<String, String> by) {
        return QuarkusTransaction.requiringNew().call(() -> {
            User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (user == null) {
                return false;
            }
            // A suspension or logout-all that committed while the password was being checked changed the stamp:
            // the token that asked is dead, and a suspended user must not erase its own record (the events).
            if (callerStamp != null && (!user.isActive() || !user.securityStamp.equals(callerStamp))) {
                return false;
            }
            if (verifiedHash != null && !user.passwordHash.equals(verifiedHash)) {
                // changed by a concurrent request since we verified it: verify against the new one
                throw Problems.invalidCurrentPassword();
            }
            activeAdmins.requireAnotherBesides(user);
            Instant now = clock.instant();
            var entityManager = RefreshToken.getEntityManager();
            for (int pass = 0; pass < MAX_TOKEN_PASSES
                    && entityManager.createNativeQuery(DELETE_TOKENS).setParameter("user", userId).executeUpdate() > 0; pass++) {
                // again: a rotation this pass waited for has committed a successor it could not see
            }
            // announced per session, so every cached session state and (later) the revocation feed learn of it
            sessions.revokeAll(userId, null, now, REASON);
            Session.delete("userId", userId);
            events.deleteAllOf(userId);
            outbox.deletePendingFor(userId);
            lockout.forgetAccount(Emails.normalize(user.email));
            mailRequests.forget(Emails.normalize(user.email));
            // Passkeys and the second factor (and the one-time secrets) go with the user row: their tables
            // reference users with "on delete cascade". A table of the user's data without it is deleted here.
            String oldEmail = user.email;
            user.delete();
            User.flush();
            events.record(userId, null, SecurityEventKind.ACCOUNT_DELETED, now, by);
            // userId null: the notice must outlive the account it tells about
            outbox.enqueue(Mail.notice(Notice.ACCOUNT_DELETED, oldEmail, null, Map.of()));
            revocations.userChanged(userId);
            return true;
        });
    }
}
