package dev.gatehouse.client;

import org.json.JSONObject;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * Gatehouse refused a login, refresh or logout. An {@link IOException}, so that it can leave
 * OkHttp's {@code Authenticator} and reach the caller of the request that needed the refresh.
 */
public final class GatehouseException extends IOException {

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
