package dev.gatehouse.mail;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;
import java.util.UUID;

/**
 * A queued mail (table {@code mail_outbox}, docs/mail.md "Outbox"): deleted once sent or dropped. It holds no
 * usable secret, only the id of the one-time secret the sender asks {@link SecretSource} for.
 */
@Entity
@Table(name = "mail_outbox")
public class OutboxMail extends PanacheEntityBase {

    @Id
    public UUID id;

    /** {@link MailKind#label()}. */
    public String kind;

    public String recipient;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "secret_id")
    public UUID secretId;

    @Column(name = "secret_expires_at")
    public Instant secretExpiresAt;

    /** {@link Notice#name()}, for a notice. */
    public String notice;

    /** A JSON object of strings, stored as jsonb. */
    @ColumnTransformer(read = "details::text", write = "?::jsonb")
    public String details;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    public int attempts;

    @Column(name = "lease_owner")
    public UUID leaseOwner;

    @Column(name = "lease_until")
    public Instant leaseUntil;
}
