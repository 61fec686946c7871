package dev.gatehouse.abuse;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Failures in a row on one account from one client address (table {@code address_failure_counts},
 * docs/api.md "Account lockout"): the count behind the lock that applies to that address only. Keyed by
 * the SHA-256 of the normalized email and the address's rate-limit bucket
 * ({@link ClientAddress#bucketKey}), so neither is stored; rows expire and are purged.
 */
@Entity
@Table(name = "address_failure_counts")
public class AddressFailureCount extends PanacheEntityBase {

    @Id
    @Column(name = "key_hash")
    public byte[] keyHash;

    public int failures;

    @Column(name = "last_failure_at")
    public Instant lastFailureAt;

    @Column(name = "locked_until")
    public Instant lockedUntil;
}
