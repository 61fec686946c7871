package dev.gatehouse.passkey;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * The WebAuthn user handle of an account (table {@code passkey_user_handles}): 32 random bytes that the
 * authenticator stores with each passkey and returns at sign-in. Never the e-mail or the user id, so a
 * passkey tells nothing about its account to whoever reads the authenticator (WebAuthn Level 3 §14.6.1).
 */
@Entity
@Table(name = "passkey_user_handles")
public class PasskeyUserHandle extends PanacheEntityBase {

    private static final SecureRandom RANDOM = new SecureRandom();

    /*
     * Made on the first registration. Two parallel first registrations of one user would each make
     * one; "on conflict do nothing" keeps the first and the read after it returns that one to both,
     * so every passkey of a user carries the same handle. Needs a transaction.
     */
    private static final String CREATE_ONCE = """
            insert into passkey_user_handles (user_id, handle) values (?1, ?2) on conflict (user_id) do nothing""";

    @Id
    @Column(name = "user_id")
    public UUID userId;

    public byte[] handle;

    /** The user's handle, made now if it has none. */
    static byte[] of(UUID userId) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        Panache.getEntityManager().createNativeQuery(CREATE_ONCE).setParameter(1, userId).setParameter(2, fresh)
                .executeUpdate();
        return Panache.getEntityManager()
                .createQuery("select h.handle from PasskeyUserHandle h where h.userId = ?1", byte[].class)
                .setParameter(1, userId).getSingleResult();
    }
}
