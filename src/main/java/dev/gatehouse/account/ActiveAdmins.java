package dev.gatehouse.account;

import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserStatus;
import jakarta.inject.Singleton;

/**
 * The last-admin rule (docs/api.md "Last admin"): deleting, suspending or demoting the only remaining active
 * admin answers 409 {@code last_admin}, so the service never ends up with nobody who can administer it.
 */
@Singleton
class ActiveAdmins {

    /*
     * The race it closes: admins A and B suspend (or delete, or demote) each other at the same moment. Each
     * transaction locks only its own target's row, so each would count the other as still active and both
     * would commit: no active admin left. Every change that takes an active admin away therefore first takes
     * this one transaction-scoped advisory lock, and counts only once it holds it; the second waits for the
     * first to commit, then (read committed: a new snapshot per statement) counts without it and answers 409.
     * The two-key form keeps it apart from the one-key locks that registration takes per email skeleton.
     * It is taken after the target's row lock and no other user row is locked after it, so it cannot deadlock.
     */
    private static final String LOCK = "select cast(pg_advisory_xact_lock(1195464773, 1) as text)";

    private static final String ANOTHER = "select exists (select 1 from users where id <> :id and status = "
            + UserStatus.ACTIVE.sqlLiteral() + " and :admin = any(roles))";

    /**
     * 409 {@code last_admin} if {@code target} (whose row the caller's transaction has locked) is an active admin
     * and no other active admin exists. For a change that takes the target's admin power away: the caller runs it
     * in the same transaction, which keeps the lock until it commits.
     */
    void requireAnotherBesides(User target) {
        if (!target.isActive() || !target.roles.contains(Accounts.ROLE_ADMIN)) {
            return; // not an active admin: the change takes none away
        }
        User.getEntityManager().createNativeQuery(LOCK).getSingleResult();
        boolean another = (Boolean) User.getEntityManager().createNativeQuery(ANOTHER)
                .setParameter("id", target.id).setParameter("admin", Accounts.ROLE_ADMIN).getSingleResult();
        if (!another) {
            throw new ProblemException(ProblemCode.LAST_ADMIN, "This is the only active admin; make another admin first.");
        }
    }
}
