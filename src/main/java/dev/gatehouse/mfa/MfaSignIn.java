package dev.gatehouse.mfa;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.MfaRequiredException;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Origin;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.token.RefreshTokens;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.User;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The second step of a password login (docs/mfa.md "Signing in"): the right password of a user with TOTP on gets
 * an {@code mfaToken} instead of tokens ({@link #challenge}); {@code login/mfa} trades it with a TOTP or recovery
 * code for a session ({@link #finish}).
 */
@Singleton
public class MfaSignIn {

    static final Duration TOKEN_TTL = Duration.ofMinutes(5);
    private static final String PREFIX = "gatehouse_mfa_";
    /** The prefix and 32 bytes in unpadded base64url. */
    private static final Pattern TOKEN = Pattern.compile("gatehouse_mfa_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 8176 methods of a sign-in with the password and a second factor (docs/tokens.md "Claims"). */
    static final List<String> PASSWORD_AND_OTP = List.of("pwd", "otp", "mfa");
    static final List<String> PASSWORD_AND_RECOVERY_CODE = List.of("pwd", "mfa");

    /** Why {@code login/mfa} refused, for the metric; the client sees the problem. */
    private enum Outcome { TOKEN_DEAD, WRONG_CODE }

    private final SecondFactor secondFactor;
    private final RefreshTokens refreshTokens;
    private final LoginLockout lockout;
    private final GatehouseConfig config;
    private final Clock clock;

    MfaSignIn(SecondFactor secondFactor, RefreshTokens refreshTokens, LoginLockout lockout, GatehouseConfig config,
              Clock clock) {
        this.secondFactor = secondFactor;
        this.refreshTokens = refreshTokens;
        this.lockout = lockout;
        this.config = config;
        this.clock = clock;
    }

    /**
     * After the right password, suspension and e-mail checks of a login of a user with TOTP on: a new
     * {@code mfaToken} is stored (its hash, the stamp, the login's device name) and 403 {@code mfa_required}
     * carries it. Decided under the user's row lock: a password changed while {@code verifiedHash} was being
     * checked answers 401 and a suspension 403, as the login's own session would; TOTP turned off since returns
     * normally, and the login goes on without a second step. {@code rehash}, when not null, replaces the
     * verified password hash here, since this login issues no tokens itself.
     */
    public void challenge(UUID userId, String verifiedHash, String rehash, String deviceName) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        boolean issued = QuarkusTransaction.requiringNew().call(() -> {
            User locked = User.findById(userId, LockModeType.PESSIMISTIC_WRITE);
            if (locked == null || !locked.passwordHash.equals(verifiedHash)) {
                throw Problems.invalidCredentials(); // deleted, or a new password, meanwhile
            }
            if (!locked.isActive()) {
                throw Problems.accountSuspended();
            }
            if (!locked.mfaEnabled) {
                return false;
            }
            if (rehash != null) {
                locked.passwordHash = rehash; // docs/threat-model.md "Password hashing"
            }
            Instant now = clock.instant();
            MfaChallenge challenge = new MfaChallenge();
            challenge.tokenHash = hash(token);
            challenge.userId = locked.id;
            challenge.stamp = locked.securityStamp;
            challenge.deviceName = deviceName;
            challenge.expiresAt = now.plus(TOKEN_TTL);
            challenge.persist();
            MfaChallenge.flush();
            // a user's pending tokens stay few, however many times the password is sent (docs/mfa.md "Signing in")
            Panache.getEntityManager().createNativeQuery(MfaChallenge.KEEP_NEWEST).setParameter(1, locked.id)
                    .setParameter(2, MfaChallenge.MAX_PENDING_PER_USER).executeUpdate();
            return true;
        });
        if (issued) {
            throw new MfaRequiredException(token);
        }
    }

    /**
     * {@code login/mfa}: a session for the {@code mfaToken}'s user when the code is right. 401
     * {@code invalid_credentials} for a token that is unknown, used, expired or issued under an older stamp;
     * 429 while the account is locked for this address; 401 {@code invalid_mfa_code} for a wrong code, which
     * counts for the lockout; a token takes 5 codes, right or wrong, then is dead until purged; 403 for a user suspended or unverified since.
     */
    public RefreshTokens.Issued finish(String mfaToken, SecondFactor.Proof proof, Origin origin) {
        if (mfaToken == null || !TOKEN.matcher(mfaToken).matches()) {
            throw Problems.invalidMfaToken();
        }
        byte[] tokenHash = hash(mfaToken);
        Instant started = clock.instant();
        Pending pending = QuarkusTransaction.requiringNew().call(() -> {
            MfaChallenge challenge = MfaChallenge.findById(tokenHash);
            User user = challenge == null ? null : User.findById(challenge.userId);
            if (user == null || !challenge.expiresAt.isAfter(started) || !user.securityStamp.equals(challenge.stamp)) {
                return null;
            }
            return new Pending(user.id, Emails.normalize(user.email), challenge.deviceName);
        });
        if (pending == null) {
            throw Problems.invalidMfaToken();
        }
        Origin withDevice = new Origin(pending.deviceName(), origin.userAgent(), origin.ipAddress(), origin.deviceKey());
        var amr = proof.isRecoveryCode() ? PASSWORD_AND_RECOVERY_CODE : PASSWORD_AND_OTP;
        try (LoginLockout.Attempt attempt = lockout.begin(pending.email(), origin.ipAddress(),
                LoginLockout.Secret.SECOND_FACTOR)) {
            Outcome[] refused = {null};
            RefreshTokens.Issued[] issued = {null};
            ProblemException[] problem = {null};
            boolean right = attempt.check(() -> {
                if (!reserveAttempt(tokenHash, clock.instant())) {
                    refused[0] = Outcome.TOKEN_DEAD; // not a wrong secret: taken back when the attempt closes
                    return true;
                }
                try {
                    issued[0] = refreshTokens.startSession(pending.userId(), user -> {
                        Instant now = clock.instant();
                        // the token first: a dead one tells nothing about the code
                        int taken = Panache.getEntityManager().createNativeQuery(MfaChallenge.TAKE).setParameter(1, tokenHash)
                                .setParameter(2, user.id).setParameter(3, user.securityStamp).setParameter(4, now)
                                .executeUpdate();
                        if (taken != 1) {
                            refused[0] = Outcome.TOKEN_DEAD;
                            return false;
                        }
                        if (!secondFactor.proves(user, null, proof, now)) {
                            refused[0] = Outcome.WRONG_CODE; // the transaction rolls back: the token lives on, its attempt spent
                            return false;
                        }
                        // docs/api.md "Account lockout": login/mfa checks suspension and verification again
                        if (config.emailVerification().required() && !user.emailVerified) {
                            throw Problems.emailNotVerified();
                        }
                        return true;
                    }, withDevice, amr);
                    return true;
                } catch (ProblemException e) {
                    if (refused[0] == Outcome.WRONG_CODE) {
                        return false;
                    }
                    problem[0] = e; // not a wrong secret: taken back when the attempt closes
                    return true;
                }
            });
            if (!right) {
                throw Problems.invalidMfaCodeAtLogin();
            }
            if (refused[0] == Outcome.TOKEN_DEAD) {
                throw Problems.invalidMfaToken();
            }
            if (problem[0] != null) {
                throw problem[0];
            }
            // docs/api.md "Account lockout": only an answer that issues tokens resets the count
            attempt.issuedTokens();
            return issued[0];
        }
    }

    private record Pending(UUID userId, String email, String deviceName) {
    }

    /** Spends one of the token's {@value MfaChallenge#MAX_ATTEMPTS} attempts, committed before the code is checked. */
    private static boolean reserveAttempt(byte[] tokenHash, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> !Panache.getEntityManager()
                .createNativeQuery(MfaChallenge.RESERVE_ATTEMPT).setParameter(1, tokenHash)
                .setParameter(2, MfaChallenge.MAX_ATTEMPTS).setParameter(3, now).getResultList().isEmpty());
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
