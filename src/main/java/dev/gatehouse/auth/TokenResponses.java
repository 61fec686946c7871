package dev.gatehouse.auth;

import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.token.RefreshTokens;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;

/** The token answer of every sign-in and refresh (docs/api.md "Token response"), in bearer or cookie mode. */
@Singleton
class TokenResponses {

    private final AccessTokens accessTokens;
    private final WebMode webMode;

    TokenResponses(AccessTokens accessTokens, WebMode webMode) {
        this.accessTokens = accessTokens;
        this.webMode = webMode;
    }

    /** In cookie mode the refresh token goes only into the cookie, never into the body (docs/api.md "The gh_refresh cookie"). */
    Response of(RefreshTokens.Issued issued, boolean web) {
        AccessTokens.Issued access = accessTokens.issue(issued.subject());
        TokenResponse body = new TokenResponse(access.token(), "Bearer", access.expiresIn(),
                web ? null : issued.refreshToken(), issued.refreshExpiresIn(), issued.subject().sessionId(),
                issued.bound() ? Boolean.TRUE : null);
        // RFC 6749 §5.1: token responses must not be cached.
        Response.ResponseBuilder response = Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache");
        if (web) {
            response.cookie(webMode.refreshCookie(issued.refreshToken(), issued.refreshExpiresIn()));
        }
        return response.build();
    }
}
