package dev.gatehouse.user;

import dev.gatehouse.common.Causes;
import dev.gatehouse.common.SecureIds;
import dev.gatehouse.problem.Problems;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Singleton;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Creates and finds accounts. */
@Singleton
public class Accounts {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";

    private final Passwords passwords;
    private final Clock clock;

    Accounts(Passwords passwords, Clock clock) {
        this.passwords = passwords;
        this.clock = clock;
    }

    /*
     * Look-alike emails are one account, but their skeletons cannot be a unique index: rows that
     * collided before skeletons existed must keep working. So registrations of one skeleton
     * serialize on a transaction-scoped advisory lock, and the check for a look-alike and the insert
     * run under it: two look-alike registrations at once cannot both see none.
     */
    private static final String LOCK_SKELETON = "select cast(pg_advisory_xact_lock(hashtextextended(:skeleton, 0)) as text)";

    /** Creates an active user; 409 {@code email_taken} when the email or a look-alike of it is in use. */
    public User create(String email, String password, String displayName, List<String> roles) {
        String hash = passwords.hash(password); // ~30 ms of Argon2id: outside the transaction
        String skeleton = Emails.skeleton(email);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                User.getEntityManager().createNativeQuery(LOCK_SKELETON).setParameter("skeleton", skeleton)
                        .getSingleResult();
                if (User.findByEmail(email).isPresent() || User.count("emailSkeleton", skeleton) > 0) {
                    throw Problems.emailTaken();
                }
                Instant now = clock.instant();
                User user = new User();
                user.id = UUID.randomUUID();
                user.email = email;
                user.emailSkeleton = skeleton;
                user.displayName = displayName;
                user.passwordHash = hash;
                user.roles = List.copyOf(roles);
                user.securityStamp = SecureIds.newStamp();
                user.status = UserStatus.ACTIVE;
                user.createdAt = now;
                user.updatedAt = now;
                user.persistAndFlush();
                return user;
            });
        } catch (RuntimeException e) {
            // Two registrations of one email at once: the unique index decides, the loser gets 409.
            if (Causes.hasCause(e, ConstraintViolationException.class)) {
                throw Problems.emailTaken();
            }
            throw e;
        }
    }

    /** The user with this email (normalized here like every email that enters). */
    public Optional<User> findByEmail(String email) {
        return QuarkusTransaction.requiringNew().call(() -> User.findByEmail(Emails.normalize(email)));
    }

    /** One page of users in creation order. */
    public List<User> page(int index, int size) {
        return QuarkusTransaction.requiringNew().call(() -> User.<User>findAll(Sort.by("createdAt").and("id"))
                .page(index, size).list());
    }

    public boolean exists(UUID userId) {
        return QuarkusTransaction.requiringNew().call(() -> User.count("id", userId) > 0);
    }
}
