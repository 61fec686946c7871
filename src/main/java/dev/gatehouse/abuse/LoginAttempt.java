package dev.gatehouse.abuse;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * Failed logins of one account (table {@code login_attempts},
 * docs/threat-model.md "Password guessing"). Keyed by the SHA-256 of the normalized email, so
 * failures on unknown emails leave no attacker-chosen text behind; rows expire and are purged.
 */
@Entity
@Table(name = "login_attempts")
public class LoginAttempt extends PanacheEntityBase {

    @Id
    @Column(name = "email_hash")
    public byte[] emailHash;

    public int failures;

    @Column(name = "last_failure_at")
    public Instant lastFailureAt;

    @Column(name = "locked_until")
    public Instant lockedUntil;
}
