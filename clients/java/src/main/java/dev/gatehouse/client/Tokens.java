package dev.gatehouse.client;

import org.json.JSONObject;

import java.util.Objects;

/**
 * What the client keeps between app starts: the pair of tokens of one Gatehouse session.
 *
 * @param accessToken  the short-lived JWT sent as {@code Authorization: Bearer}
 * @param refreshToken the opaque {@code gatehouse_rt_…} token; it rotates on every refresh, so always save the newest
 * @param sessionId    the session ({@code sid}) these tokens belong to
 */
public record Tokens(String accessToken, String refreshToken, String sessionId) {

    public Tokens {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /** The tokens of a token response (docs/api.md "Token response"), or {@code null} when the body is not one (cut off, cookie mode). */
    static Tokens fromTokenResponse(String body) {
        JSONObject fields = AuthApi.object(body);
        String access = AuthApi.string(fields, "accessToken");
        String refresh = AuthApi.string(fields, "refreshToken");
        String session = AuthApi.string(fields, "sessionId");
        return access == null || refresh == null || session == null ? null : new Tokens(access, refresh, session);
    }

    /** Never prints the secrets: tokens must not end up in logs (docs/threat-model.md "Log leakage"). */
    @Override
    public String toString() {
        return "Tokens[sessionId=" + sessionId + "]";
    }
}
