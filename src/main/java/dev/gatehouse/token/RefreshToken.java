package dev.gatehouse.token;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One refresh token of a session (table {@code refresh_tokens}), held only as the SHA-256 hash of the
 * token: the token itself is never stored (docs/tokens.md "Refresh token format"). A session keeps the
 * hashes of its newest tokens, so that a replayed old one is recognised (docs/tokens.md "History pruning").
 */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "session_id")
    public UUID sessionId;

    @Column(name = "token_hash")
    public byte[] tokenHash;

    @Column(name = "issued_at")
    public Instant issuedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** When it was exchanged for its successor; null while it is the session's newest token. */
    @Column(name = "rotated_at")
    public Instant rotatedAt;

    /** The hash of the token this one was exchanged for; null while unused (and on rows from before V3). */
    @Column(name = "successor_hash")
    public byte[] successorHash;

    /**
     * That successor, sealed under a key derived from this token (docs/tokens.md "Sealed successor"):
     * only a caller presenting this token can open it. Erased when the successor rotates, or by the
     * purge once the reuse window is over.
     */
    @Column(name = "successor_sealed")
    public byte[] successorSealed;

    static Optional<RefreshToken> findByHash(byte[] hash) {
        return find("tokenHash", hash).firstResultOptional();
    }

    /** Not yet exchanged and not expired: it may rotate, if its session is live and its user active. */
    boolean isUnused(Instant now) {
        return rotatedAt == null && expiresAt.isAfter(now);
    }
}
