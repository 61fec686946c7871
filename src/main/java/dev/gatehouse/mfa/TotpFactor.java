package dev.gatehouse.mfa;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A user's TOTP authenticator (table {@code totp_factors}): the secret sealed by {@link TotpSecretSeal}, a pending
 * set-up until a first code confirms it (docs/mfa.md "Turning it on"), and the newest time step accepted.
 */
@Entity
@Table(name = "totp_factors")
public class TotpFactor extends PanacheEntityBase {

    /*
     * RFC 6238 §5.2: a code is accepted at most once. Every accepted code moves the user's step forward in one
     * conditional statement, so of parallel requests with one code (two instances, or a replay racing the
     * original) exactly one moves it; the others find the step taken and are refused. Codes of older steps are
     * refused too: a step at or before the newest accepted one can never be used again.
     */
    static final String USE_STEP = """
            update totp_factors set last_used_step = ?2
             where user_id = ?1 and enabled_at is not null and (last_used_step is null or last_used_step < ?2)""";

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "sealed_secret")
    public byte[] sealedSecret;

    @Column(name = "key_id")
    public byte[] keyId;

    /** The security stamp a pending set-up was made under; null once enabled. */
    @Column(name = "setup_stamp")
    public String setupStamp;

    @Column(name = "enabled_at")
    public Instant enabledAt;

    @Column(name = "last_used_step")
    public Long lastUsedStep;

    /** Wrong codes sent to confirm a pending set-up (docs/mfa.md "Turning it on"). */
    @Column(name = "wrong_codes")
    public int wrongCodes;

    @Column(name = "created_at")
    public Instant createdAt;

    /** How long a pending set-up waits for its confirming code. */
    static final Duration SETUP_TTL = Duration.ofMinutes(15);
    /** Wrong confirming codes a pending set-up survives; the last of them ends it. */
    static final int MAX_WRONG_CONFIRMS = 5;

    public boolean enabled() {
        return enabledAt != null;
    }

    /** Whether this is a set-up that {@code stamp}'s user may still confirm at {@code now}. */
    boolean pendingUnder(String stamp, Instant now) {
        return !enabled() && stamp.equals(setupStamp) && createdAt.plus(SETUP_TTL).isAfter(now)
                && wrongCodes < MAX_WRONG_CONFIRMS;
    }

    /** Whether TOTP is on for the user. */
    static boolean enabledFor(UUID userId) {
        return count("userId = ?1 and enabledAt is not null", userId) > 0;
    }

    /** Marks {@code step} used for the user's enabled authenticator; false if it or a later one was used already. */
    static boolean useStep(UUID userId, long step) {
        return getEntityManager().createNativeQuery(USE_STEP).setParameter(1, userId).setParameter(2, step)
                .executeUpdate() == 1;
    }
}
