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
import java.util.function.Consumer;

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

    /**
     * Holds the e-mail's skeleton until the caller's transaction ends, and answers whether the e-mail or a
     * look-alike of it belongs to an account (any account: a look-alike of one's own address is the same
     * account too). A registration and an e-mail change to one skeleton serialize here, so two look-alikes
     * cannot both see none.
     */
    public static boolean lockAndCheckTaken(String email, String skeleton) {
        User.getEntityManager().createNativeQuery(LOCK_SKELETON).setParameter("skeleton", skeleton).getSingleResult();
        return User.findByEmail(email).isPresent() || User.count("emailSkeleton", skeleton) > 0;
    }

    /** Creates an active user; 409 {@code email_taken} when the email or a look-alike of it is in use. */
    public User create(String email, String password, String displayName, List<String> roles) {
        return create(email, password, displayName, roles, user -> {
        });
    }

    /**
     * Creates an active user, and runs {@code inTransaction} with the new row in the same transaction (the
     * verification mail commits with the account, or neither does: docs/mail.md "Outbox").
     */
    public User create(String email, String password, String displayName, List<String> roles,
                       Consumer<User> inTransaction) {
        String hash = passwords.hash(password); // ~30 ms of Argon2id: outside the transaction
        String skeleton = Emails.skeleton(email);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (lockAndCheckTaken(email, skeleton)) {
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
                inTransaction.accept(user);
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
