package dev.gatehouse.abuse;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Failures on one account from every address within 24 hours of the first of them (table
 * {@code account_failure_counts}, docs/api.md "Account lockout"): the count behind the account-wide lock.
 * Keyed by the SHA-256 of the normalized email, so failures on unknown emails leave no attacker-chosen
 * text behind; rows expire and are purged.
 */
@Entity
@Table(name = "account_failure_counts")
public class AccountFailureCount extends PanacheEntityBase {

    @Id
    @Column(name = "email_hash")
    public byte[] emailHash;

    public int failures;

    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "locked_until")
    public Instant lockedUntil;
}
