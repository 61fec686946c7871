package dev.gatehouse.user;

import io.quarkus.security.identity.SecurityIdentity;

import java.util.List;
import java.util.UUID;

/**
 * The user behind a verified Bearer request, as of that request: the Bearer check (see the
 * {@code dev.gatehouse.auth} package) attaches it to the security identity after it has checked
 * the token's stamp and session, and resources read it from there with {@link #of}. {@code stamp} is the
 * token's, equal to the user's when the check ran: a change that must not outlive a stamp change made
 * meanwhile compares it again under the user's row lock.
 */
public record Caller(UUID userId, UUID sessionId, String email, String displayName, List<String> roles,
                     boolean emailVerified, boolean mfaEnabled, String stamp) {

    /** The identity attribute under which the Bearer check leaves the caller. */
    public static final String ATTRIBUTE = "gatehouse.caller";

    /** The verified caller; only endpoints that require authentication have one. */
    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity.getAttribute(ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no Bearer caller: the endpoint must require authentication");
        }
        return caller;
    }

    public UserView view() {
        return new UserView(userId, email, displayName, roles, emailVerified, mfaEnabled);
    }
}
