package dev.gatehouse.problem;

/** The problem codes of docs/api.md "Problem codes", each with its one HTTP status. */
public enum ProblemCode {
    VALIDATION_FAILED(400, "Validation failed"),
    MALFORMED_REQUEST(400, "Malformed request"),
    INVALID_CURRENT_PASSWORD(400, "Invalid current password"),
    INVALID_CREDENTIALS(401, "Invalid credentials"),
    INVALID_REFRESH_TOKEN(401, "Invalid refresh token"),
    INVALID_TOKEN(401, "Invalid token"),
    /** A missing or invalid DPoP proof where one is needed (docs/dpop.md); answered with a {@code DPoP} challenge. */
    INVALID_DPOP_PROOF(401, "Invalid DPoP proof"),
    ACCOUNT_SUSPENDED(403, "Account suspended"),
    FORBIDDEN(403, "Forbidden"),
    CSRF_REJECTED(403, "CSRF rejected"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    EMAIL_TAKEN(409, "Email taken"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RATE_LIMITED(429, "Rate limited"),
    INVALID_CODE(400, "Invalid code"),
    EMAIL_NOT_VERIFIED(403, "Email not verified"),
    LAST_ADMIN(409, "Last admin"),
    INVALID_PASSKEY(400, "Invalid passkey"),
    REAUTHENTICATION_REQUIRED(403, "Reauthentication required"),
    /** A wrong TOTP or recovery code where a signed-in user changes the second factor. */
    INVALID_MFA_CODE(400, "Invalid second-factor code"),
    /** The same code at {@code login/mfa}, where it is a failed sign-in (docs/mfa.md "Signing in"). */
    INVALID_MFA_CODE_AT_LOGIN(401, "Invalid second-factor code", "invalid_mfa_code"),
    MFA_REQUIRED(403, "Second factor required"),
    MFA_ALREADY_ENABLED(409, "Second factor already enabled"),
    MFA_NOT_ENABLED(409, "Second factor not enabled"),
    INTERNAL_ERROR(500, "Internal error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;
    private final String code;

    ProblemCode(int status, String title) {
        this(status, title, null);
    }

    /** A code that docs/api.md gives two statuses: one constant per status, the same code. */
    ProblemCode(int status, String title, String code) {
        this.status = status;
        this.title = title;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String code() {
        return code != null ? code : name().toLowerCase(java.util.Locale.ROOT);
    }

    public String type() {
        return "urn:gatehouse:problem:" + code();
    }
}
