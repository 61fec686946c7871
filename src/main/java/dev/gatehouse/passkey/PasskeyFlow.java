package dev.gatehouse.passkey;

import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An open ceremony (table {@code passkey_flows}): the challenge handed out by an options call, kept in
 * PostgreSQL so that any instance can finish it (docs/passkeys.md "Flows"). Single use: finishing
 * deletes it, whatever the outcome.
 */
@Entity
@Table(name = "passkey_flows")
public class PasskeyFlow extends PanacheEntityBase {

    static final String REGISTER = "register";
    static final String LOGIN = "login";

    /*
     * Taking a flow is one statement that deletes it and returns its challenge: of two parallel finishes
     * of one flow (a replay racing the original, or two instances) exactly one gets the row, so a challenge
     * verifies at most once. A registration flow is taken only by the user it was made for: another user's
     * finish finds nothing and cannot use it up. An expired flow is deleted too, and then refused.
     */
    private static final String TAKE_REGISTRATION = """
            delete from passkey_flows where id = ?1 and kind = 'register' and user_id = ?2 returning challenge, expires_at""";
    private static final String TAKE_LOGIN = """
            delete from passkey_flows where id = ?1 and kind = 'login' returning challenge, expires_at""";

    /*
     * A signed-in user's registration options each add a row; without a bound, one account could fill the
     * table for 5 minutes at a time. The newest few stay open (several tabs or devices at once), older ones end.
     */
    private static final String KEEP_NEWEST_REGISTRATIONS = """
            delete from passkey_flows where user_id = ?1 and kind = 'register' and id not in (
                select id from passkey_flows where user_id = ?1 and kind = 'register' order by expires_at desc, id limit ?2)""";

    @Id
    public UUID id;

    public String kind;

    @Column(name = "user_id")
    public UUID userId;

    public byte[] challenge;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Ends the user's registration flows beyond the {@code keep} newest. */
    static void keepNewestRegistrations(UUID userId, int keep) {
        Panache.getEntityManager().createNativeQuery(KEEP_NEWEST_REGISTRATIONS).setParameter(1, userId)
                .setParameter(2, keep).executeUpdate();
    }

    /** The challenge of the user's registration flow, if it had not expired by {@code now}; the flow is gone either way. */
    static Optional<byte[]> takeRegistration(UUID id, UUID userId, Instant now) {
        return challenge(Panache.getEntityManager().createNativeQuery(TAKE_REGISTRATION)
                .setParameter(1, id).setParameter(2, userId).getResultList(), now);
    }

    /** The challenge of a login flow, if it had not expired by {@code now}; the flow is gone either way. */
    static Optional<byte[]> takeLogin(UUID id, Instant now) {
        return challenge(Panache.getEntityManager().createNativeQuery(TAKE_LOGIN).setParameter(1, id).getResultList(), now);
    }

    private static Optional<byte[]> challenge(List<?> result, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = (List<Object[]>) result;
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        Instant expiresAt = (Instant) row[1];
        return expiresAt.isAfter(now) ? Optional.of((byte[]) row[0]) : Optional.empty();
    }
}
