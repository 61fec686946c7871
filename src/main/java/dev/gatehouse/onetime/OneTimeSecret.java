package dev.gatehouse.onetime;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A secret sent by mail (table {@code one_time_secrets}): a link token and a six-digit code that are one
 * secret, derived from {@link #seed} under the server secret (docs/mail.md "No secret at rest"). Usable
 * once, until it expires, while no newer one of its purpose exists and its user's stamp is unchanged.
 */
@Entity
@Table(name = "one_time_secrets")
public class OneTimeSecret extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    public String purpose;

    public byte[] seed;

    @Column(name = "token_hash")
    public byte[] tokenHash;

    /** Where it was sent: the user's address, or the new address of an e-mail change. */
    public String email;

    public String stamp;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    @Column(name = "superseded_at")
    public Instant supersededAt;

    /** Unused, not superseded, not expired, and issued under {@code currentStamp}. */
    public boolean isLive(String currentStamp, Instant now) {
        return usedAt == null && supersededAt == null && expiresAt.isAfter(now) && stamp.equals(currentStamp);
    }
}
