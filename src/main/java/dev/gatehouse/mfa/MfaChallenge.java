package dev.gatehouse.mfa;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * The second step of a password login (table {@code mfa_challenges}, docs/mfa.md "Signing in"): the
 * {@code mfaToken}'s SHA-256, the user, the stamp it was issued under and the login's device name.
 */
@Entity
@Table(name = "mfa_challenges")
public class MfaChallenge extends PanacheEntityBase {

    /** Codes one {@code mfaToken} may be sent with, right or wrong (docs/mfa.md "Signing in"). */
    static final int MAX_ATTEMPTS = 5;
    /** Pending tokens kept per user: a new one beyond them ends the oldest. */
    static final int MAX_PENDING_PER_USER = 5;

    /*
     * Single use: the step that opens the session deletes the row in the session's transaction, so of parallel
     * uses of one token exactly one finds it. A token issued under an older stamp is dead.
     */
    static final String TAKE = """
            delete from mfa_challenges where token_hash = ?1 and user_id = ?2 and stamp = ?3 and expires_at > ?4""";

    /*
     * An attempt is spent before its code is checked, in one autocommit statement: parallel requests with one
     * token each take a different slot, and the ones beyond MAX_ATTEMPTS find none. Counting after the check
     * instead would let every request in flight be checked before any of them counted. A spent token is not
     * deleted (a right code holding an earlier slot may still be on its way to TAKE it): it is dead to this
     * statement, and the storage purge removes it once expired.
     */
    static final String RESERVE_ATTEMPT = """
            update mfa_challenges set attempts = attempts + 1
             where token_hash = ?1 and attempts < ?2 and expires_at > ?3
            returning attempts""";

    /* Run under the user's row lock, after a new token: the newest MAX_PENDING_PER_USER stay. */
    static final String KEEP_NEWEST = """
            delete from mfa_challenges where user_id = ?1 and token_hash not in (
                select token_hash from mfa_challenges where user_id = ?1 order by expires_at desc limit ?2)""";

    @Id
    @Column(name = "token_hash")
    public byte[] tokenHash;

    @Column(name = "user_id")
    public UUID userId;

    public String stamp;

    @Column(name = "device_name")
    public String deviceName;

    /** Codes sent with this token so far. */
    public int attempts;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
