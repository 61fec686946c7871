package dev.gatehouse.user;

import dev.gatehouse.common.Causes;
import dev.gatehouse.common.SecureIds;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Creates accounts. */
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

    /** Creates an active user; 409 {@code email_taken} when the (normalized) email is in use. */
    public User create(String email, String password, String displayName, List<String> roles) {
        String hash = passwords.hash(password); // ~30 ms of Argon2id: outside the transaction
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                if (User.findByEmail(email).isPresent()) {
                    throw emailTaken();
                }
                Instant now = clock.instant();
                User user = new User();
                user.id = UUID.randomUUID();
                user.email = email;
                user.displayName = displayName;
                user.passwordHash = hash;
                user.roles = List.copyOf(roles);
                user.securityStamp = SecureIds.newStamp();
                user.status = User.ACTIVE;
                user.createdAt = now;
                user.updatedAt = now;
                user.persistAndFlush();
                return user;
            });
        } catch (RuntimeException e) {
            // Two registrations of one email at once: the unique index decides, the loser gets 409.
            if (Causes.hasCause(e, ConstraintViolationException.class)) {
                throw emailTaken();
            }
            throw e;
        }
    }

    private static ProblemException emailTaken() {
        return new ProblemException(ProblemCode.EMAIL_TAKEN, "An account with this email already exists.");
    }
}
