package dev.gatehouse.account;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.common.SecureIds;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Revocations;
import dev.gatehouse.session.SessionRevocation;
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.Passwords;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Changes to a user's security state (docs/tokens.md "Security stamp"): each one is a single transaction
 * that locks the user row, changes the stamp (so every access token of the user stops working),
 * revokes sessions as the operation requires, writes its security event, and notifies every
 * instance on commit.
 */
@Singleton
public class AccountSecurity {

    private final Passwords passwords;
    private final LoginLockout lockout;
    private final SessionRevocation sessions;
    private final Revocations revocations;
    private final SecurityEvents events;
    private final ActiveAdmins activeAdmins;
    private final Clock clock;

    AccountSecurity(Passwords passwords, LoginLockout lockout, SessionRevocation sessions, Revocations revocations,
                    SecurityEvents events, ActiveAdmins activeAdmins, Clock clock) {
        this.passwords = passwords;
        this.lockout = lockout;
        this.sessions = sessions;
        this.revocations = revocations;
        this.events = events;
        this.activeAdmins = activeAdmins;
        this.clock = clock;
    }

    /** Logout-all: every session, and every access token through the stamp. */
    public void logoutAll(UUID userId, UUID currentSessionId) {
        change(userId, currentSessionId, (user, now) -> {
            int revoked = sessions.revokeAll(user.id, null, now, "logout_all");
            return event(SecurityEventKind.LOGOUT_ALL, Map.of("sessionsRevoked", revoked));
        });
    }

    /**
     * Password change (docs/api.md "POST /api/auth/password"): every other session goes; the calling
     * access token dies with the old stamp, while the current session's refresh token yields a fresh one.
     * The current password is guarded like a login's (docs/api.md "Account lockout"): 429 while the account
     * is locked for this client address or everywhere, checked before the password and counted with the check,
     * so parallel guesses cannot outrun it; a wrong one stays counted. A success issues no tokens, so it
     * resets no count: its attempt is taken back.
     */
    public void changePassword(UUID userId, UUID currentSessionId, String currentPassword, String newPassword,
                               String clientAddress) {
        User user = checkCurrentPassword(userId, currentPassword, clientAddress);
        String newHash = passwords.hash(newPassword); // Argon2id outside the transaction
        String verifiedHash = user.passwordHash;
        change(userId, currentSessionId, (locked, now) -> {
            if (!locked.passwordHash.equals(verifiedHash)) {
                // changed by a concurrent request since we verified it: verify against the new one
                throw Problems.invalidCurrentPassword();
            }
            locked.passwordHash = newHash;
            int revoked = sessions.revokeAll(locked.id, currentSessionId, now, "password_changed");
            return event(SecurityEventKind.PASSWORD_CHANGED, Map.of("sessionsRevoked", revoked));
        });
    }

    /**
     * The signed-in user's current password, guarded like a login's (docs/api.md "Account lockout"): 429
     * while the account is locked for this address or everywhere, counted with the check so that parallel
     * guesses cannot outrun it; a wrong one answers 400 {@code invalid_current_password} and stays counted.
     * A right one issues no tokens, so it resets no count: its attempt is taken back. Returns the user as
     * verified; a change that relies on it re-checks the hash under the row lock.
     */
    public User checkCurrentPassword(UUID userId, String currentPassword, String clientAddress) {
        User user = QuarkusTransaction.requiringNew().call(() -> User.<User>findById(userId));
        if (user == null) {
            throw new UnauthorizedException(); // deleted since the Bearer check (docs/api.md "Account deletion")
        }
        String email = Emails.normalize(user.email); // the lockout's key for this account, as a login computes it
        try (LoginLockout.Attempt attempt = lockout.begin(email, clientAddress)) {
            if (!attempt.check(() -> passwords.verify(currentPassword, user.passwordHash))) {
                throw Problems.invalidCurrentPassword();
            }
        }
        return user;
    }

    /** 409 {@code last_admin} for roles without {@code admin} given to the only active admin (docs/api.md "Last admin"). */
    public void setRoles(UUID userId, List<String> roles, UUID adminId) {
        change(userId, null, (user, now) -> {
            if (!roles.contains(Accounts.ROLE_ADMIN)) {
                activeAdmins.requireAnotherBesides(user);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("from", user.roles);
            details.put("to", roles);
            details.put("by", adminId.toString());
            user.roles = List.copyOf(roles);
            return event(SecurityEventKind.ROLES_CHANGED, details);
        });
    }

    public void revokeSessions(UUID userId, UUID adminId) {
        change(userId, null, (user, now) -> {
            int revoked = sessions.revokeAll(user.id, null, now, "admin_revoked");
            return event(SecurityEventKind.SESSIONS_REVOKED, Map.of("sessionsRevoked", revoked, "by", adminId.toString()));
        });
    }

    /** 409 {@code last_admin} for the only active admin (docs/api.md "Last admin"). */
    public void suspend(UUID userId, UUID adminId) {
        change(userId, null, (user, now) -> {
            activeAdmins.requireAnotherBesides(user);
            user.status = UserStatus.SUSPENDED;
            int revoked = sessions.revokeAll(user.id, null, now, "suspended");
            return event(SecurityEventKind.SUSPENDED, Map.of("sessionsRevoked", revoked, "by", adminId.toString()));
        });
    }

    public void reinstate(UUID userId, UUID adminId) {
        change(userId, null, (user, now) -> {
            user.status = UserStatus.ACTIVE;
            return event(SecurityEventKind.REINSTATED, Map.of("by", adminId.toString()));
        });
    }

    private record Event(SecurityEventKind kind, Map<String, ?> details) {
    }

    private static Event event(SecurityEventKind kind, Map<String, ?> details) {
        return new Event(kind, details);
    }

    @FunctionalInterface
    private interface Change {
        Event apply(User lockedUser, Instant now);
    }

    /**
     * The change, a new stamp, the event and the notification, atomically. A user that does not exist is 404 for
     * an admin's change; for the user's own ({@code sessionId} set) it was deleted since the Bearer check, so
     * the caller's token is no longer valid: 401.
     */
    private void change(UUID userId, UUID sessionId, Change change) {
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (user == null) {
                throw sessionId == null ? Problems.noSuchUser() : new UnauthorizedException();
            }
            Instant now = clock.instant();
            Event event = change.apply(user, now);
            user.securityStamp = SecureIds.newStamp();
            user.updatedAt = now;
            User.flush();
            events.record(user.id, sessionId, event.kind(), now, event.details());
            revocations.userChanged(user.id);
        });
    }
}
