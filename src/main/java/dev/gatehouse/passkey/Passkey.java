package dev.gatehouse.passkey;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A registered passkey (table {@code passkeys}): the public key and what WebAuthn keeps beside it
 * (docs/passkeys.md "What is stored"). No secret: the private key never leaves the authenticator.
 */
@Entity
@Table(name = "passkeys")
public class Passkey extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "credential_id")
    public byte[] credentialId;

    /** webauthn4j's encoding of the attested credential data (AAGUID, credential id, COSE public key). */
    @Column(name = "attested_data")
    public byte[] attestedData;

    @Column(name = "sign_count")
    public long signCount;

    @Column(name = "uv_initialized")
    public boolean uvInitialized;

    @Column(name = "backup_eligible")
    public boolean backupEligible;

    @Column(name = "backed_up")
    public boolean backedUp;

    /** What the authenticator said it speaks (usb, nfc, ble, hybrid, internal): a hint for clients. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> transports;

    public String name;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    /** The user's passkeys, newest first. */
    public static List<Passkey> ofUser(UUID userId) {
        return list("userId = ?1 order by createdAt desc, id", userId);
    }
}
