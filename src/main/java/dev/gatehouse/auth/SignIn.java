package dev.gatehouse.auth;

import dev.gatehouse.abuse.LoginLockout;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.mfa.MfaSignIn;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Origin;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.token.RefreshTokens;
import dev.gatehouse.user.Passwords;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;


/** Password login (docs/api.md "POST /api/auth/login"): checks the password, then starts a session. */
@Singleton
public class SignIn {

    private final Passwords passwords;
    private final RefreshTokens refreshTokens;
    private final LoginLockout lockout;
    private final MfaSignIn mfaSignIn;
    private final GatehouseConfig config;

    SignIn(Passwords passwords, RefreshTokens refreshTokens, LoginLockout lockout, MfaSignIn mfaSignIn, GatehouseConfig config) {
        this.passwords = passwords;
        this.mfaSignIn = mfaSignIn;
        this.config = config;
        this.lockout = lockout;
        this.refreshTokens = refreshTokens;
    }

    public RefreshTokens.Issued login(LoginRequest request, Origin origin) {
        // The order of checks of docs/api.md "POST /api/auth/login": a locked account answers 429 whatever the
        // password. The attempt counts as a failure until it proves otherwise, so parallel guesses cannot
        // outrun the count (docs/api.md "Account lockout").
        try (LoginLockout.Attempt attempt = lockout.begin(request.email(), origin.ipAddress())) {
            User user = QuarkusTransaction.requiringNew().call(() -> User.findByEmail(request.email()).orElse(null));
            // An unknown email costs the same Argon2id work as a real check, so the answer time does not reveal it.
            boolean right = attempt.check(() -> {
                if (user == null) {
                    passwords.verifyDummy(request.password());
                    return false;
                }
                return passwords.verify(request.password(), user.passwordHash);
            });
            if (!right) {
                throw Problems.invalidCredentials();
            }
            // Only the right password learns that the account is suspended (docs/api.md "POST /api/auth/login");
            // the attempt is then taken back: no failure, and no tokens to reset the count.
            if (!user.isActive()) {
                throw Problems.accountSuspended();
            }
            // docs/api.md "E-mail verification": checked after the password, like suspension, and taken back the same way.
            if (config.emailVerification().required() && !user.emailVerified) {
                throw Problems.emailNotVerified();
            }
            // docs/threat-model.md "Password hashing": parameters raised since the hash was made are applied on this successful login.
            String rehash = passwords.needsRehash(user.passwordHash) ? passwords.hash(request.password()) : null;
            String verified = user.passwordHash;
            // docs/mfa.md "Signing in": the last check of the order; 403 mfa_required resets no count
            if (user.mfaEnabled) {
                mfaSignIn.challenge(user.id, verified, rehash, origin.deviceName()); // returns only if turned off since
            }
            boolean[] secondStepOn = {false};
            RefreshTokens.Issued issued;
            try {
                issued = refreshTokens.startSession(user.id, locked -> {
                    // decided again under the user's lock: TOTP confirmed while the password was being verified
                    // still asks for a code, since the read above may be older than the confirmation
                    secondStepOn[0] = locked.mfaEnabled;
                    return locked.passwordHash.equals(verified) && !locked.mfaEnabled;
                }, rehash, origin, AccessTokens.Subject.PASSWORD);
            } catch (ProblemException e) {
                if (secondStepOn[0]) {
                    mfaSignIn.challenge(user.id, verified, rehash, origin.deviceName());
                }
                throw e;
            }
            // docs/api.md "Account lockout": only an answer that issues tokens resets a count, and only this address's.
            attempt.issuedTokens();
            return issued;
        }
    }
}
