package dev.gatehouse.client;

import org.json.JSONObject;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Gatehouse refused a call: a login, refresh or logout, or an account call. An {@link IOException},
 * so that it can leave OkHttp's {@code Authenticator} and reach the caller of the request that
 * needed the refresh. {@link #code()} says why; the constants here name the codes an app usually
 * handles (docs/api.md "Problem codes").
 */
public class GatehouseException extends IOException {

    /** 400: a body field is missing or breaks a rule (e.g. the new password is too short). */
    public static final String VALIDATION_FAILED = "validation_failed";
    /** 401 at login: unknown e-mail or wrong password. */
    public static final String INVALID_CREDENTIALS = "invalid_credentials";
    /** 403 at login: the account is suspended. */
    public static final String ACCOUNT_SUSPENDED = "account_suspended";
    /** 403 at login: the right password, but the service requires a verified e-mail first. */
    public static final String EMAIL_NOT_VERIFIED = "email_not_verified";
    /**
     * 400: the e-mailed link or code is wrong, expired, used, superseded by a newer mail, or burnt by
     * too many wrong tries; the app says so and offers to send a new one.
     */
    public static final String INVALID_CODE = "invalid_code";
    /** 400: e-mail change or account deletion with a wrong password. */
    public static final String INVALID_CURRENT_PASSWORD = "invalid_current_password";
    /** 409: the e-mail address belongs to another account. */
    public static final String EMAIL_TAKEN = "email_taken";
    /** 409: the only remaining active admin cannot delete the account. */
    public static final String LAST_ADMIN = "last_admin";
    /**
     * 403 when adding a passkey: the e-mail is not verified, or the session's sign-in is older than
     * 5 minutes; the app signs the user in again (password) and retries (docs/passkeys.md "Adding a passkey").
     */
    public static final String REAUTHENTICATION_REQUIRED = "reauthentication_required";
    /** 400 when adding a passkey: the authenticator's answer did not verify, or its flow was used or expired. */
    public static final String INVALID_PASSKEY = "invalid_passkey";
    /** 403 at login: the right password of an account with a second factor; thrown as {@link MfaRequiredException}. */
    public static final String MFA_REQUIRED = "mfa_required";
    /**
     * A wrong TOTP or recovery code: 401 at {@link GatehouseAuth#loginMfa} (the same {@code mfaToken} may be tried
     * again, 5 codes in all), 400 when confirming TOTP, renewing recovery codes or turning TOTP off.
     */
    public static final String INVALID_MFA_CODE = "invalid_mfa_code";
    /** 409: TOTP set-up while TOTP is on; turn it off first. */
    public static final String MFA_ALREADY_ENABLED = "mfa_already_enabled";
    /** 409: confirming without a pending set-up, or renewing codes or turning TOTP off while it is off. */
    public static final String MFA_NOT_ENABLED = "mfa_not_enabled";
    /** 429: too many attempts; see {@link #retryAfterSeconds()}. */
    public static final String RATE_LIMITED = "rate_limited";

    private final int status;
    private final String code;
    private final OptionalLong retryAfterSeconds;

    GatehouseException(int status, String code, String detail, OptionalLong retryAfterSeconds) {
        super(detail != null ? detail : "Gatehouse answered HTTP " + status + (code != null ? " (" + code + ")" : ""));
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** From an answer's status, its {@code application/problem+json} body (docs/api.md "Errors") and {@code Retry-After}. */
    static GatehouseException of(int status, String body, String retryAfter) {
        JSONObject problem = AuthApi.object(body);
        String mfaToken = AuthApi.string(problem, "mfaToken");
        if (status == 403 && MFA_REQUIRED.equals(AuthApi.string(problem, "code")) && mfaToken != null) {
            return new MfaRequiredException(AuthApi.string(problem, "detail"), mfaToken);
        }
        return new GatehouseException(status, AuthApi.string(problem, "code"), AuthApi.string(problem, "detail"), seconds(retryAfter));
    }

    /** The HTTP status, e.g. 401 for {@code invalid_credentials}, 429 for {@code rate_limited}. */
    public int status() {
        return status;
    }

    /** The problem {@code code} (docs/api.md "Problem codes"), or {@code null} when the body had none (a gateway's error page). */
    public String code() {
        return code;
    }

    /** Seconds from {@code Retry-After}, sent with 429 {@code rate_limited}. */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }

    private static OptionalLong seconds(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException httpDate) {
            return OptionalLong.empty();
        }
    }
}
