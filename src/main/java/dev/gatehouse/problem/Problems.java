package dev.gatehouse.problem;

/**
 * One factory per problem that more than one place raises, so that the same failure always
 * reads the same (docs/api.md "Problem codes"). A detail never contains a secret or input.
 */
public final class Problems {

    private Problems() {
    }

    /** Login: unknown email and wrong password answer alike (docs/threat-model.md "Unknown accounts and timing"). */
    public static ProblemException invalidCredentials() {
        return new ProblemException(ProblemCode.INVALID_CREDENTIALS, "The email or password is wrong.");
    }

    public static ProblemException accountSuspended() {
        return new ProblemException(ProblemCode.ACCOUNT_SUSPENDED, "This account is suspended.");
    }

    /** Unknown, expired, revoked and replayed refresh tokens answer alike (docs/api.md "POST /api/auth/refresh"). */
    public static ProblemException invalidRefreshToken() {
        return new ProblemException(ProblemCode.INVALID_REFRESH_TOKEN, "The refresh token is not valid.");
    }

    /** Every reason a proof is refused answers alike; the metric keeps the reason (docs/dpop.md "Refusals"). */
    public static ProblemException invalidDpopProof() {
        return new ProblemException(ProblemCode.INVALID_DPOP_PROOF, "A valid DPoP proof from the session's key is required.");
    }

    public static ProblemException invalidCurrentPassword() {
        return new ProblemException(ProblemCode.INVALID_CURRENT_PASSWORD, "The current password is wrong.");
    }

    public static ProblemException emailNotVerified() {
        return new ProblemException(ProblemCode.EMAIL_NOT_VERIFIED, "Verify your e-mail address before signing in.");
    }

    /** docs/api.md "One-time codes and links": one answer for unknown, expired, used, superseded and burnt. */
    public static ProblemException invalidCode() {
        return new ProblemException(ProblemCode.INVALID_CODE, "The code or link is not valid: it may have expired or been used.");
    }

    public static ProblemException emailTaken() {
        return new ProblemException(ProblemCode.EMAIL_TAKEN, "An account with this email already exists.");
    }

    /** An unknown, malformed or another user's id: nothing tells them apart. */
    public static ProblemException noSuchUser() {
        return new ProblemException(ProblemCode.NOT_FOUND, "No such user.");
    }

    /** A feature that is off (docs/passkeys.md "Configuration"): the same 404 as a path that does not exist. */
    public static ProblemException notFound() {
        return new ProblemException(ProblemCode.NOT_FOUND, "No such resource.");
    }

    /** A passkey sign-in that does not verify, for whatever reason (docs/passkeys.md "Signing in"). */
    public static ProblemException invalidPasskeyCredentials() {
        return new ProblemException(ProblemCode.INVALID_CREDENTIALS, "The passkey could not be verified.");
    }

    public static ProblemException noSuchPasskey() {
        return new ProblemException(ProblemCode.NOT_FOUND, "No such passkey.");
    }

    /** Every registration that does not verify gets this one answer (docs/passkeys.md "Failures"). */
    public static ProblemException invalidPasskey() {
        return new ProblemException(ProblemCode.INVALID_PASSKEY, "The passkey could not be verified.");
    }

    public static ProblemException reauthenticationRequired() {
        return new ProblemException(ProblemCode.REAUTHENTICATION_REQUIRED,
                "Sign in again, with a verified e-mail address, to make this change.");
    }

    /** A wrong TOTP or recovery code where a signed-in user changes the second factor (docs/mfa.md). */
    public static ProblemException invalidMfaCode() {
        return new ProblemException(ProblemCode.INVALID_MFA_CODE, "The code is wrong.");
    }

    /** A wrong TOTP or recovery code at {@code login/mfa}: a failed sign-in (docs/mfa.md "Signing in"). */
    public static ProblemException invalidMfaCodeAtLogin() {
        return new ProblemException(ProblemCode.INVALID_MFA_CODE_AT_LOGIN, "The code is wrong.");
    }

    /** An unknown, used, expired or dead {@code mfaToken}: the sign-in starts again (docs/mfa.md "Signing in"). */
    public static ProblemException invalidMfaToken() {
        return new ProblemException(ProblemCode.INVALID_CREDENTIALS, "Sign in again: this second step is no longer valid.");
    }

    public static ProblemException mfaAlreadyEnabled() {
        return new ProblemException(ProblemCode.MFA_ALREADY_ENABLED, "Two-step sign-in is already on.");
    }

    public static ProblemException mfaNotEnabled() {
        return new ProblemException(ProblemCode.MFA_NOT_ENABLED, "Two-step sign-in is not on, or no set-up is waiting.");
    }

    public static ProblemException noSuchSession() {
        return new ProblemException(ProblemCode.NOT_FOUND, "No such session.");
    }

    public static ProblemException bodyRequired() {
        return new ProblemException(ProblemCode.MALFORMED_REQUEST, "A JSON object body is required.");
    }

    public static ProblemException bodyNotAnObject() {
        return new ProblemException(ProblemCode.MALFORMED_REQUEST, "The body must be a JSON object.");
    }

    public static ProblemException bodyNotJson() {
        return new ProblemException(ProblemCode.MALFORMED_REQUEST, "The body is not valid JSON.");
    }
}
