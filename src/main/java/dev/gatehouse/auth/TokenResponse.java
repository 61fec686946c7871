package dev.gatehouse.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/**
 * The token response (docs/api.md "Token response"). {@code refreshToken} is left out in cookie mode, where
 * the token travels only in the cookie. {@code refreshTokenBound} is there, {@code true}, only for a session bound to a
 * DPoP key (docs/dpop.md).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken,
                            long refreshExpiresIn, UUID sessionId, Boolean refreshTokenBound) {
}
