package dev.gatehouse.user;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A user account. The email is stored trimmed and lower-cased (SPEC §3). */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String SUSPENDED = "suspended";

    @Id
    public UUID id;

    public String email;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "password_hash")
    public String passwordHash;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> roles;

    /** Changes whenever the security state changes; every access token carries it (SPEC §1). */
    @Column(name = "security_stamp")
    public String securityStamp;

    public String status;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static Optional<User> findByEmail(String normalizedEmail) {
        return find("email", normalizedEmail).firstResultOptional();
    }

    public boolean isSuspended() {
        return SUSPENDED.equals(status);
    }
}
