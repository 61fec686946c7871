package dev.gatehouse.onetime;

import dev.gatehouse.common.Causes;
import dev.gatehouse.mail.SecretSource;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import org.hibernate.exception.ConstraintViolationException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues and redeems the one-time secrets sent by mail (docs/api.md "One-time codes and links"): a
 * link token and a six-digit code that are one secret, single use, dead once expired, superseded by a
 * newer one of the same purpose, or issued under a security stamp the user no longer has. It is also
 * the outbox's {@link SecretSource}: the sender re-derives a mail's token and code from here when it
 * sends, and drops the mail if the secret died meanwhile.
 */
@Singleton
public class OneTimeSecrets implements SecretSource {

    /** Wrong codes per (account, purpose) in a day; the next wrong one burns the code path until the day is over. */
    static final int MAX_WRONG_CODES = 5;
    private static final Duration CODE_WINDOW = Duration.ofDays(1);
    private static final Duration CAP_WINDOW = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    /*
     * The count of a code attempt, taken before the code is compared. One upsert per (user, purpose)
     * row: parallel guesses each get their own count, so no more than MAX_WRONG_CODES of them are ever
     * compared, however many arrive at once. A right code gives its count back (TAKE_BACK).
     */
    private static final String COUNT_CODE_ATTEMPT = """
            insert into code_failures as c (user_id, purpose, failures, window_start)
            select :user, :purpose, 1, :now where exists (select 1 from users where id = :user)
            on conflict (user_id, purpose) do update
               set failures = case when c.window_start <= :dayAgo then 1 else c.failures + 1 end,
                   window_start = case when c.window_start <= :dayAgo then :now else c.window_start end
            returning failures""";
    /*
     * One request for a mail to an address, counted whether or not the address has an account: an upsert,
     * so parallel requests each get their own number, and the same write on both paths.
     */
    private static final String COUNT_MAIL_REQUEST = """
            insert into mail_requests as r (address_hash, purpose, requests, window_start)
            values (:address, :purpose, 1, :now)
            on conflict (address_hash, purpose) do update
               set requests = case when r.window_start <= :hourAgo then 1 else r.requests + 1 end,
                   window_start = case when r.window_start <= :hourAgo then :now else r.window_start end
            returning requests""";
    private static final String TAKE_BACK = """
            update code_failures set failures = failures - 1
             where user_id = :user and purpose = :purpose and failures > 0""";

    /*
     * Single use: of parallel redemptions of one secret, the first marks it used and the others, waiting
     * on its row lock, re-check "used_at is null" against the committed row and change nothing. The
     * caller has locked the user row first (every writer of this table does, in that order), and passes
     * the stamp it read under that lock: a secret issued under another stamp is dead.
     */
    private static final String CONSUME = """
            update one_time_secrets set used_at = :now
             where id = :id and used_at is null and superseded_at is null and expires_at > :now and stamp = :stamp""";

    private static final String REVEAL = "select s, u.securityStamp from OneTimeSecret s join User u on u.id = s.userId where s.id = ?1";

    private final SecretDerivation derivation;
    private final Clock clock;

    OneTimeSecrets(SecretDerivation derivation, Clock clock) {
        this.derivation = derivation;
        this.clock = clock;
    }

    /** A secret just issued: the outbox names it by id, and drops the mail unsent after {@code expiresAt}. */
    public record Issued(UUID id, Instant createdAt, Instant expiresAt) {
    }

    /**
     * A new secret of {@code purpose} for the user, sent to {@code email}; every older one of that purpose
     * dies. Empty when {@code maxPerHour} secrets of the purpose were issued in the last hour (docs/mail.md
     * "Limits"). In the caller's transaction, which has locked the user row: the count and the insert
     * cannot race another issue for the same user.
     */
    public Optional<Issued> issue(User lockedUser, Purpose purpose, String email, Duration ttl, int maxPerHour) {
        Instant now = clock.instant();
        if (countRecent(lockedUser.id, purpose) >= maxPerHour) {
            return Optional.empty();
        }
        OneTimeSecret.update("supersededAt = ?1 where userId = ?2 and purpose = ?3 and usedAt is null and supersededAt is null",
                now, lockedUser.id, purpose.value());
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        OneTimeSecret secret = new OneTimeSecret();
        secret.id = UUID.randomUUID();
        secret.userId = lockedUser.id;
        secret.purpose = purpose.value();
        secret.seed = seed;
        secret.tokenHash = SecretDerivation.hash(derivation.derive(seed, purpose).token());
        secret.email = email;
        secret.stamp = lockedUser.securityStamp;
        secret.createdAt = now;
        secret.expiresAt = now.plus(ttl);
        secret.persist();
        return Optional.of(new Issued(secret.id, now, secret.expiresAt));
    }

    /**
     * Counts a request for a mail of {@code purpose} to this address, known or not, in the caller's
     * transaction, and answers how many there were in the current hour (this one included).
     */
    public int countMailRequest(String normalizedEmail, Purpose purpose) {
        Instant now = clock.instant();
        return ((Number) OneTimeSecret.getEntityManager().createNativeQuery(COUNT_MAIL_REQUEST)
                .setParameter("address", SecretDerivation.hash(normalizedEmail)).setParameter("purpose", purpose.value())
                .setParameter("now", now).setParameter("hourAgo", now.minus(CAP_WINDOW)).getSingleResult()).intValue();
    }

    /** An account deletion: the address's request counts go too (its hash is personal data). In the caller's transaction. */
    public void forget(String normalizedEmail) {
        OneTimeSecret.getEntityManager().createNativeQuery("delete from mail_requests where address_hash = :address")
                .setParameter("address", SecretDerivation.hash(normalizedEmail)).executeUpdate();
    }

    /** Secrets of the purpose issued to the user in the last hour (the cap of {@link #issue}). */
    public long countRecent(UUID userId, Purpose purpose) {
        return OneTimeSecret.count("userId = ?1 and purpose = ?2 and createdAt > ?3", userId, purpose.value(),
                clock.instant().minus(CAP_WINDOW));
    }

    /**
     * The secret a link token names, when it is of {@code purpose}; whether it is still usable is decided
     * by {@link #consume}. A link is not limited by wrong codes: its 256 bits cannot be guessed.
     */
    public Optional<OneTimeSecret> byToken(Purpose purpose, String token) {
        if (!SecretDerivation.looksValid(token)) {
            return Optional.empty();
        }
        byte[] hash = SecretDerivation.hash(token);
        return QuarkusTransaction.requiringNew().call(() -> OneTimeSecret.<OneTimeSecret>find("tokenHash", hash)
                .firstResultOptional().filter(found -> found.purpose.equals(purpose.value())));
    }

    /**
     * The user's newest secret of {@code purpose} when {@code code} is its code. Each try is counted first,
     * in its own transaction, and a right code gives its count back: after {@value #MAX_WRONG_CODES} wrong
     * codes in a day every code of the purpose is refused, the right one too, while the links still work
     * (docs/api.md "One-time codes and links").
     */
    public Optional<OneTimeSecret> byCode(Purpose purpose, UUID userId, String code) {
        if (code == null || !code.matches("[0-9]{6}")) {
            return Optional.empty(); // validated by the request already; a shape that cannot match costs no try
        }
        Instant now = clock.instant();
        boolean compare;
        try {
            compare = QuarkusTransaction.requiringNew().call(() -> {
            // no row when the user was deleted meanwhile: nothing to count, and nothing to match
            List<?> failures = OneTimeSecret.getEntityManager().createNativeQuery(COUNT_CODE_ATTEMPT)
                    .setParameter("user", userId).setParameter("purpose", purpose.value())
                    .setParameter("now", now).setParameter("dayAgo", now.minus(CODE_WINDOW))
                    .getResultList();
            // the 6th wrong try is compared too, and burns the code path: the right code on the 6th try still works
            return !failures.isEmpty() && ((Number) failures.get(0)).intValue() <= MAX_WRONG_CODES + 1;
            });
        } catch (RuntimeException e) {
            if (Causes.hasCause(e, ConstraintViolationException.class)) {
                return Optional.empty(); // the user was deleted between the check and the insert
            }
            throw e;
        }
        return compare ? matching(purpose, userId, code) : Optional.empty();
    }

    private Optional<OneTimeSecret> matching(Purpose purpose, UUID userId, String code) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<OneTimeSecret> newest = OneTimeSecret.<OneTimeSecret>find(
                    "userId = ?1 and purpose = ?2 and usedAt is null and supersededAt is null order by createdAt desc",
                    userId, purpose.value()).firstResultOptional();
            boolean right = newest.flatMap(derivation::open)
                    .map(derived -> MessageDigest.isEqual(derived.code().getBytes(StandardCharsets.US_ASCII),
                            code.getBytes(StandardCharsets.US_ASCII)))
                    .orElse(false);
            if (!right) {
                return Optional.<OneTimeSecret>empty(); // the try stays counted
            }
            OneTimeSecret.getEntityManager().createNativeQuery(TAKE_BACK)
                    .setParameter("user", userId).setParameter("purpose", purpose.value()).executeUpdate();
            return newest;
        });
    }

    /**
     * Uses the secret up, if it is still live under {@code currentStamp}: false when it is used, superseded,
     * expired or from another stamp, or when a parallel redemption won. In {@link #redeem}'s transaction,
     * after it locked the user row.
     */
    private boolean consume(OneTimeSecret secret, String currentStamp) {
        return OneTimeSecret.getEntityManager().createNativeQuery(CONSUME)
                .setParameter("id", secret.id).setParameter("now", clock.instant())
                .setParameter("stamp", currentStamp).executeUpdate() == 1;
    }

    /** What redeeming a secret does, with its user locked and the secret used, in one transaction. */
    @FunctionalInterface
    public interface Effect {
        void apply(User lockedUser, OneTimeSecret secret, Instant now);
    }

    /**
     * Redeems {@code secret}: locks its user, uses the secret up, and applies {@code effect}, in one
     * transaction, so that the use and its effect commit together or not at all. 400 {@code invalid_code}
     * when the secret is no longer live (used, superseded, expired, issued under an older stamp, or its user
     * gone), including when a parallel redemption of the same secret won.
     */
    public void redeem(OneTimeSecret secret, Effect effect) {
        QuarkusTransaction.requiringNew().run(() -> {
            User user = User.findById(secret.userId, LockModeType.PESSIMISTIC_WRITE);
            // a suspended user redeems nothing (its secrets died with the stamp anyway; this holds if it is reinstated)
            if (user == null || !user.isActive() || !consume(secret, user.securityStamp)) {
                throw Problems.invalidCode();
            }
            effect.apply(user, secret, clock.instant());
        });
    }

    /** Whether a secret can still be redeemed as far as its own row says (its user's stamp is checked by the redemption). */
    public boolean mayRedeem(OneTimeSecret secret) {
        Instant now = clock.instant();
        return secret.usedAt == null && secret.supersededAt == null && secret.expiresAt.isAfter(now);
    }

    @Override
    public Optional<Revealed> reveal(UUID secretId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Object[]> rows = OneTimeSecret.getEntityManager().createQuery(REVEAL, Object[].class)
                    .setParameter(1, secretId).getResultList();
            if (rows.isEmpty()) {
                return Optional.<Revealed>empty();
            }
            OneTimeSecret secret = (OneTimeSecret) rows.get(0)[0];
            if (!secret.isLive((String) rows.get(0)[1], clock.instant())) {
                return Optional.<Revealed>empty();
            }
            return derivation.open(secret).map(derived -> new Revealed(derived.token(), derived.code()));
        });
    }

    static Purpose purposeOf(OneTimeSecret secret) {
        return Arrays.stream(Purpose.values()).filter(p -> p.value().equals(secret.purpose)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown purpose " + secret.purpose));
    }
}
