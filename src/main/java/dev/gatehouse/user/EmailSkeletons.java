package dev.gatehouse.user;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * At start, brings accounts from before email skeletons existed up to date: each gets its skeleton,
 * and its email its NFKC form where no other account has it. Accounts whose emails turn out to be
 * look-alikes keep working, none is merged, and a warning names them by id
 * (docs/decisions.md "Look-alike emails"). Idempotent, so instances starting together do no harm.
 */
@Singleton
public class EmailSkeletons {

    private static final Logger LOG = Logger.getLogger(EmailSkeletons.class);
    private static final int BATCH = 500;
    private static final int MAX_REPORTED = 20;
    private static final String COLLISIONS = """
            select cast(string_agg(cast(id as text), ', ' order by created_at) as text) from users
             where email_skeleton is not null group by email_skeleton having count(*) > 1""";

    void onStart(@Observes StartupEvent event) {
        try {
            int filled = 0;
            int batch;
            do {
                batch = QuarkusTransaction.requiringNew().call(EmailSkeletons::fillBatch);
                filled += batch;
            } while (batch == BATCH);
            if (filled > 0) {
                reportCollisions(filled);
            }
        } catch (RuntimeException e) {
            // never a reason not to start: the next start tries again, registrations check what is there
            LOG.warnf("Filling in email skeletons of older accounts failed (%s); it is retried at the next start",
                    e.getClass().getSimpleName());
        }
    }

    private static void reportCollisions(int filled) {
        @SuppressWarnings("unchecked")
        List<String> groups = QuarkusTransaction.requiringNew()
                .call(() -> User.getEntityManager().createNativeQuery(COLLISIONS).getResultList());
        if (!groups.isEmpty()) {
            LOG.warnf("Filled in the email skeletons of %d older account(s); %d group(s) of accounts have look-alike"
                    + " emails (Unicode TR 39) from before look-alikes were refused. They keep working and are not"
                    + " merged. Account ids, oldest first: %s", filled, groups.size(),
                    String.join("; ", groups.subList(0, Math.min(groups.size(), MAX_REPORTED))));
        }
    }

    private static int fillBatch() {
        // skip rows another starting instance is filling in: they are done when it commits
        List<User> users = User.<User>find("emailSkeleton is null").withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .withHint("jakarta.persistence.lock.timeout", -2).page(0, BATCH).list();
        for (User user : users) {
            String normalized = Emails.normalize(user.email);
            if (!normalized.equals(user.email) && User.count("lower(email) = ?1", normalized) == 0) {
                user.email = normalized;
            }
            user.emailSkeleton = Emails.skeleton(user.email);
        }
        return users.size();
    }
}
