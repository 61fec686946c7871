package dev.gatehouse.session;

import jakarta.inject.Singleton;
import org.hibernate.query.NativeQuery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Revoking sessions and announcing it to every instance (docs/tokens.md "Revocation"). Runs in the
 * caller's transaction, so the revocation, its notification and the caller's event commit together.
 * A revocation is conditional on {@code revoked_at is null}: of concurrent revocations of one session
 * exactly one counts (and is announced and measured).
 */
@Singleton
public class SessionRevocation {

    /*
     * Every live session of a user but one, in one statement that reports what it revoked, so that
     * exactly those are announced: a session revoked concurrently (a replay, the user's own DELETE)
     * is not in the list, and a session created concurrently waits for the user row lock that
     * every caller of revokeAll holds (docs/decisions.md "Data access").
     */
    private static final String REVOKE_ALL = """
            update sessions set revoked_at = :now, revoke_reason = :reason
             where user_id = :user and revoked_at is null and id is distinct from :keep
            returning id""";

    /*
     * The per-user cap (docs/tokens.md "Session cap"): beyond max active sessions, the least recently
     * used go. One statement, run by the login that holds the user row lock, so concurrent logins of
     * one user each see the others' sessions and the cap holds.
     */
    private static final String REVOKE_BEYOND = """
            update sessions set revoked_at = :now, revoke_reason = :reason
             where id in (select s.id from sessions s
                           where s.user_id = :user and\s""" + Session.activeSql("s", ":now") + """

                           order by s.last_used_at desc, s.created_at desc offset :max)
            returning id""";

    private final Revocations revocations;

    SessionRevocation(Revocations revocations) {
        this.revocations = revocations;
    }

    /** One session; false when it was already revoked (or does not exist). */
    public boolean revoke(UUID sessionId, Instant now, String reason) {
        int revoked = Session.update("revokedAt = ?1, revokeReason = ?2 where id = ?3 and revokedAt is null",
                now, reason, sessionId);
        if (revoked == 1) {
            revocations.sessionRevoked(sessionId, reason);
        }
        return revoked == 1;
    }

    /** What revoking one of a user's sessions found. */
    public enum OwnedRevocation { REVOKED, ALREADY_REVOKED, NOT_OWNED }

    /** One session of the user; another user's session is left alone. */
    public OwnedRevocation revokeOwned(UUID userId, UUID sessionId, Instant now, String reason) {
        int revoked = Session.update(
                "revokedAt = ?1, revokeReason = ?2 where id = ?3 and userId = ?4 and revokedAt is null",
                now, reason, sessionId, userId);
        if (revoked == 1) {
            revocations.sessionRevoked(sessionId, reason);
            return OwnedRevocation.REVOKED;
        }
        return Session.count("id = ?1 and userId = ?2", sessionId, userId) > 0
                ? OwnedRevocation.ALREADY_REVOKED : OwnedRevocation.NOT_OWNED;
    }

    /** Every live session of the user except {@code keep} (null keeps none). Returns how many were revoked. */
    public int revokeAll(UUID userId, UUID keep, Instant now, String reason) {
        List<UUID> revoked = ids(query(REVOKE_ALL, now, reason, userId).setParameter("keep", keep, UUID.class));
        revoked.forEach(id -> revocations.sessionRevoked(id, reason));
        return revoked.size();
    }

    /** The per-user cap; the caller holds the user row lock. Returns how many were revoked. */
    public int revokeBeyond(UUID userId, int max, Instant now, String reason) {
        List<UUID> revoked = ids(query(REVOKE_BEYOND, now, reason, userId).setParameter("max", max));
        revoked.forEach(id -> revocations.sessionRevoked(id, reason));
        return revoked.size();
    }

    private static NativeQuery<?> query(String sql, Instant now, String reason, UUID userId) {
        return Session.getEntityManager().createNativeQuery(sql).unwrap(NativeQuery.class)
                .setParameter("now", now).setParameter("reason", reason).setParameter("user", userId);
    }

    private static List<UUID> ids(NativeQuery<?> query) {
        return query.addScalar("id", UUID.class).getResultList().stream().map(UUID.class::cast).toList();
    }
}
