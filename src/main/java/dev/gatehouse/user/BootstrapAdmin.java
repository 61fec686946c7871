package dev.gatehouse.user;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * The only way to get the first admin (docs/operations.md "The first admin"). When
 * {@code gatehouse.bootstrap-admin.email} and {@code .password} are both set and that user does not
 * exist, it is created at start with the roles {@code user} and {@code admin}. An existing user is
 * left alone (its password is not reset, its roles are not changed); when that user is not an admin,
 * a warning says so, since the operator then has no admin where they expect one.
 */
@Singleton
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    private final GatehouseConfig config;
    private final Accounts accounts;

    BootstrapAdmin(GatehouseConfig config, Accounts accounts) {
        this.config = config;
        this.accounts = accounts;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.bootstrapAdmin().email().isEmpty() || config.bootstrapAdmin().password().isEmpty()) {
            return;
        }
        String email = Emails.normalize(config.bootstrapAdmin().email().get());
        String password = config.bootstrapAdmin().password().get();
        int length = password.codePointCount(0, password.length());
        if (length < 10 || length > 256) {
            throw new IllegalStateException("gatehouse.bootstrap-admin.password must be 10 to 256 characters long");
        }
        if (email.isEmpty() || email.length() > 254 || !email.matches("[^@\\s]+@[^@\\s]+")) {
            throw new IllegalStateException("gatehouse.bootstrap-admin.email is not an email address");
        }
        byte[] emailHash = sha256(email);
        // created once: an account deleted since then stays deleted, whatever the environment still says
        boolean createdBefore = QuarkusTransaction.requiringNew().call(() -> !User.getEntityManager().createNativeQuery(
                "select 1 from bootstrap_admins where email_hash = :hash").setParameter("hash", emailHash).getResultList().isEmpty());
        Optional<User> existing = QuarkusTransaction.requiringNew().call(() -> User.findByEmail(email));
        if (existing.isEmpty() && createdBefore) {
            LOG.warnf("gatehouse.bootstrap-admin.email names an admin that was created before and has been deleted since:"
                    + " it is not created again (unset gatehouse.bootstrap-admin.*)");
            return;
        }
        if (existing.isPresent()) {
            if (!createdBefore) {
                remember(emailHash); // created before this rule existed
            }
            if (existing.get().roles == null || !existing.get().roles.contains(Accounts.ROLE_ADMIN)) {
                // docs/operations.md "The first admin": an existing user is never promoted from configuration.
                LOG.warnf("gatehouse.bootstrap-admin.email belongs to an existing user without the admin role (user id %s):"
                        + " no admin was created and that user was left unchanged", existing.get().id);
            }
            return;
        }
        try {
            // the operator vouches for the address: verified, so a required verification cannot lock the first admin out
            accounts.create(email, password, null, List.of(Accounts.ROLE_USER, Accounts.ROLE_ADMIN), admin -> {
                admin.emailVerified = true;
                insertRemembered(emailHash);
            });
            LOG.infof("Created the bootstrap admin account (gatehouse.bootstrap-admin.email)");
        } catch (ProblemException e) {
            if (e.code() != ProblemCode.EMAIL_TAKEN) {
                throw e;
            }
            // another instance created it at the same moment
        }
    }

    private static void remember(byte[] emailHash) {
        QuarkusTransaction.requiringNew().run(() -> insertRemembered(emailHash));
    }

    /** In the creating transaction, so that the record and the account commit together. */
    private static void insertRemembered(byte[] emailHash) {
        User.getEntityManager().createNativeQuery(
                        "insert into bootstrap_admins (email_hash, created_at) values (:hash, now()) on conflict do nothing")
                .setParameter("hash", emailHash).executeUpdate();
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
