package dev.gatehouse.event;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;

import java.time.Instant;
import java.util.UUID;

/** One security event of a user (table {@code security_events}, docs/operations.md "Security events"). */
@Entity
@Table(name = "security_events")
public class SecurityEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "user_id")
    public UUID userId;

    /** The session it concerns, if any. */
    @Column(name = "session_id")
    public UUID sessionId;

    /** {@link SecurityEventKind#value()}. */
    public String kind;

    public Instant at;

    /** A JSON object, stored as jsonb. */
    @ColumnTransformer(read = "details::text", write = "?::jsonb")
    public String details;
}
