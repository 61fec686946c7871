package dev.gatehouse.session;

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
 * A session (token family, table {@code sessions}): everything descended from one login on one
 * device. Its liveness rules are defined here once, for Java ({@link #isLive}, {@link #isActive})
 * and for SQL ({@link #liveSql}, {@link #activeSql}); {@code SessionLivenessTest} holds the two
 * forms to the same answers.
 */
@Entity
@Table(name = "sessions")
public class Session extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "device_name")
    public String deviceName;

    @Column(name = "user_agent")
    public String userAgent;

    @Column(name = "ip_address")
    public String ipAddress;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "absolute_end")
    public Instant absoluteEnd;

    /** Expiry of the session's newest refresh token: "active" and "expiresAt" without a join. */
    @Column(name = "refresh_expires_at")
    public Instant refreshExpiresAt;

    /**
     * When the sign-in that started the session happened, and its RFC 8176 methods (docs/tokens.md
     * "Claims"): the {@code auth_time} and {@code amr} of every access token of the session. Null on
     * sessions from before these claims: then the creation time and {@code ["pwd"]}.
     */
    @Column(name = "auth_time")
    public Instant authTime;

    /** The RFC 7638 thumbprint of the key the session's refresh tokens are bound to (docs/dpop.md), or null. */
    @Column(name = "dpop_jkt")
    public String dpopJkt;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public List<String> amr;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoke_reason")
    public String revokeReason;

    /**
     * docs/tokens.md "Active and live sessions": live = not revoked and before its absolute end. A
     * live session's access tokens are accepted and its newest refresh token may rotate (if not expired itself).
     */
    public static boolean isLive(Instant revokedAt, Instant absoluteEnd, Instant now) {
        return revokedAt == null && absoluteEnd.isAfter(now);
    }

    /** {@link #isLive(Instant, Instant, Instant)} in SQL, for a {@code sessions} row aliased {@code s}. */
    public static String liveSql(String s, String now) {
        return s + ".revoked_at is null and " + s + ".absolute_end > " + now;
    }

    /**
     * docs/tokens.md "Active and live sessions": active = live and its newest refresh token not expired. Active
     * sessions are the ones listed, and the ones the per-user cap counts.
     */
    public boolean isActive(Instant now) {
        return isLive(revokedAt, absoluteEnd, now) && refreshExpiresAt.isAfter(now);
    }

    /** {@link #isActive} in SQL, for a {@code sessions} row aliased {@code s}. */
    public static String activeSql(String s, String now) {
        return liveSql(s, now) + " and " + s + ".refresh_expires_at > " + now;
    }

    /** When the session ends unless it is refreshed again: its newest token's expiry, capped by its absolute end. */
    public Instant expiresAt() {
        return refreshExpiresAt.isBefore(absoluteEnd) ? refreshExpiresAt : absoluteEnd;
    }
}
