package dev.gatehouse.mfa;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One single-use recovery code (table {@code recovery_codes}), kept only as its keyed hash ({@link RecoveryCodes}). */
@Entity
@Table(name = "recovery_codes")
public class RecoveryCode extends PanacheEntityBase {

    /*
     * Single use: of parallel requests with one recovery code, the first marks it used and the others, after
     * waiting for its row lock, re-check "used_at is null" against the committed row and change nothing.
     */
    private static final String USE = "update recovery_codes set used_at = ?2 where id = ?1 and used_at is null";

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "code_hash")
    public byte[] codeHash;

    @Column(name = "used_at")
    public Instant usedAt;

    static List<RecoveryCode> unusedOf(UUID userId) {
        return list("userId = ?1 and usedAt is null", userId);
    }

    static long unusedCount(UUID userId) {
        return count("userId = ?1 and usedAt is null", userId);
    }

    /** Marks the code used; false if a parallel request used it first. */
    static boolean use(UUID id, Instant now) {
        return getEntityManager().createNativeQuery(USE).setParameter(1, id).setParameter(2, now).executeUpdate() == 1;
    }
}
