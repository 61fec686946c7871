package dev.gatehouse.mail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import org.hibernate.query.NativeQuery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sender's side of the outbox table (docs/mail.md "Sender"): claiming due mails, and once a send is over,
 * deleting or rescheduling them. Each call is its own short transaction: the sending happens between them, outside
 * any transaction.
 */
@Singleton
class MailQueue {

    /** A claimed mail, as the sender needs it. */
    record Claimed(UUID id, MailKind kind, String recipient, UUID secretId, Instant secretExpiresAt, Notice notice,
                   Map<String, String> details, Instant createdAt, int attempts) {
    }

    /*
     * The claim: at most :batch due mails that no live lease holds, leased to this instance, in one statement.
     * "skip locked" lets instances claim side by side without waiting for each other; a row that another instance
     * claimed and committed meanwhile is re-checked by PostgreSQL against its new lease and left out. So each mail has
     * one sender until its lease runs out, and then (the sender died mid-send) another may send it: at least once.
     */
    private static final String CLAIM = """
            update mail_outbox set lease_owner = :owner, lease_until = :leaseUntil
             where id = any(array(
                 select id from mail_outbox
                  where next_attempt_at <= :now and (lease_until is null or lease_until <= :now)
                  order by next_attempt_at limit :batch for update skip locked))
            returning id, kind, recipient, secret_id, secret_expires_at, notice, details::text as details,
                      created_at, attempts""";

    /*
     * Ageing out (docs/mail.md "Sender"): mails older than retry-for and secret mails whose secret has expired, unsent,
     * unless a live lease holds them (their sender drops them itself). In batches, with "skip locked" like the claim.
     */
    private static final String DROP_EXPIRED = """
            delete from mail_outbox where id = any(array(
                select id from mail_outbox
                 where (created_at <= :cutoff or secret_expires_at <= :now)
                   and (lease_until is null or lease_until <= :now)
                 limit :batch for update skip locked))
            returning kind""";

    private static final TypeReference<Map<String, String>> DETAILS = new TypeReference<>() {
    };

    private final ObjectMapper json;

    MailQueue(ObjectMapper json) {
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    List<Claimed> claim(UUID owner, Instant now, Instant leaseUntil, int batch) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> (List<Object[]>) native_(CLAIM)
                .setParameter("owner", owner).setParameter("leaseUntil", leaseUntil)
                .setParameter("now", now).setParameter("batch", batch)
                .addScalar("id", UUID.class).addScalar("kind", String.class).addScalar("recipient", String.class)
                .addScalar("secret_id", UUID.class).addScalar("secret_expires_at", Instant.class)
                .addScalar("notice", String.class).addScalar("details", String.class)
                .addScalar("created_at", Instant.class).addScalar("attempts", Integer.class)
                .getResultList());
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            claimed.add(new Claimed((UUID) row[0], MailKind.ofLabel((String) row[1]), (String) row[2], (UUID) row[3],
                    (Instant) row[4], row[5] == null ? null : Notice.valueOf((String) row[5]), details((String) row[6]),
                    (Instant) row[7], (Integer) row[8]));
        }
        return claimed;
    }

    /** Deletes mails this instance still holds (sent, or dropped unsent); returns how many it deleted. */
    long deleteHeld(Collection<UUID> ids, UUID owner) {
        if (ids.isEmpty()) {
            return 0;
        }
        return QuarkusTransaction.requiringNew().call(() -> OutboxMail.delete("id in ?1 and leaseOwner = ?2", ids, owner));
    }

    /** A failed attempt: the mail waits until {@code nextAttemptAt}, for any instance. False if it is no longer ours. */
    boolean reschedule(UUID id, UUID owner, int attempts, Instant nextAttemptAt) {
        return QuarkusTransaction.requiringNew().call(() -> OutboxMail.update(
                "attempts = ?1, nextAttemptAt = ?2, leaseOwner = null, leaseUntil = null where id = ?3 and leaseOwner = ?4",
                attempts, nextAttemptAt, id, owner)) == 1;
    }

    /** Deletes one batch of aged-out mails; returns the kinds of those it deleted. */
    @SuppressWarnings("unchecked")
    List<MailKind> dropExpired(Instant now, Instant cutoff, int batch) {
        List<String> kinds = QuarkusTransaction.requiringNew().call(() -> (List<String>) native_(DROP_EXPIRED)
                .setParameter("now", now).setParameter("cutoff", cutoff).setParameter("batch", batch)
                .addScalar("kind", String.class).getResultList());
        return kinds.stream().map(MailKind::ofLabel).toList();
    }

    /** Mails not yet sent nor dropped, on every instance. */
    long depth() {
        return QuarkusTransaction.requiringNew().call(() -> OutboxMail.count()); // a method reference would miss Panache's enhancement
    }

    private static NativeQuery<?> native_(String sql) {
        return Panache.getEntityManager().createNativeQuery(sql).unwrap(NativeQuery.class);
    }

    private Map<String, String> details(String stored) {
        try {
            return stored == null ? Map.of() : json.readValue(stored, DETAILS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored mail details are not a JSON object of strings");
        }
    }
}
