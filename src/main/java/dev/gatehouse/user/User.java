package dev.gatehouse.user;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A user account (table {@code users}). The email is stored trimmed and lower-cased
 * (docs/api.md "Emails"); the password only as an Argon2id PHC string; the security stamp changes
 * with every change of the user's security state, and every access token carries the stamp it was
 * issued with (docs/tokens.md "Security stamp").
 */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    public UUID id;

    public String email;

    /** {@link Emails#skeleton} of the email: look-alike emails have the same one. */
    @Column(name = "email_skeleton")
    public String emailSkeleton;

    /** docs/api.md "E-mail verification": set by a verification, a password reset or a confirmed e-mail change. */
    @Column(name = "email_verified")
    public boolean emailVerified;

    /**
     * Whether TOTP is on (docs/mfa.md): kept here, beside the stamp, so that a login and the Bearer check's
     * cached user state know it without another query; changed only with the {@code totp_factors} row.
     */
    @Column(name = "mfa_enabled")
    public boolean mfaEnabled;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "password_hash")
    public String passwordHash;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> roles;

    @Column(name = "security_stamp")
    public String securityStamp;

    @Convert(converter = UserStatus.Column.class)
    public UserStatus status;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /**
     * The account whose stored email is exactly this one. Matched through {@code lower(email)} as well, the
     * expression of the unique index users_email_unique, so that the look-up is that index's, not a scan
     * of every account (docs/operations.md "Query plans"); the exact match keeps its answer what it was.
     */
    public static Optional<User> findByEmail(String normalizedEmail) {
        return find("lower(email) = lower(?1) and email = ?1", normalizedEmail).firstResultOptional();
    }

    public boolean isActive() {
        return status == UserStatus.ACTIVE;
    }
}
