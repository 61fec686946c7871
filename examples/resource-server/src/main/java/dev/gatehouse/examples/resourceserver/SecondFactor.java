package dev.gatehouse.examples.resourceserver;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.Map;

/**
 * Step-up for a sensitive operation: the token must come from a sign-in with a second factor, which Gatehouse
 * says with {@code mfa} in the {@code amr} claim (RFC 8176: a TOTP code, a recovery code, or a passkey). The
 * claim describes the sign-in and stays the same on every refresh, so an app gets it only by signing in again.
 */
final class SecondFactor {

    /**
     * RFC 9470 §3's error for "signed in, but not strongly enough". RFC 9470 pairs it with 401; this service
     * answers 403, since the token itself is valid and a 401 makes many clients refresh and retry, which cannot
     * help here: a refresh keeps the sign-in's {@code amr}.
     */
    static final String CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
            + "error_description=\"A second factor is required\"";

    private SecondFactor() {
    }

    /** Whether the token's sign-in used a second factor. */
    static boolean proven(JsonWebToken jwt) {
        Object amr = jwt.getClaim("amr");
        if (amr instanceof JsonArray array) {
            return array.stream().anyMatch(value -> value instanceof JsonString s && "mfa".equals(s.getString()));
        }
        return amr instanceof Collection<?> values && values.contains("mfa");
    }

    /** 403 with the step-up challenge, and a problem body naming it for apps that read bodies. */
    static Response required() {
        return Response.status(Response.Status.FORBIDDEN).header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .type("application/problem+json")
                .entity(Map.of("type", "urn:gatehouse:example:insufficient_user_authentication", "status", 403,
                        "title", "Second factor required",
                        "detail", "Sign in again with your authenticator app, a recovery code or a passkey.",
                        "code", "insufficient_user_authentication"))
                .build();
    }
}
