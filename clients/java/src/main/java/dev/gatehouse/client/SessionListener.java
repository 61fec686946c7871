package dev.gatehouse.client;

/** Told when Gatehouse has ended the session, so the app can show its sign-in screen. */
@FunctionalInterface
public interface SessionListener {

    /**
     * Called once, on an OkHttp thread, after a refresh was refused: the tokens are already cleared
     * from the {@link TokenStore}, and the requests waiting for the refresh get their 401. Not
     * called by {@link GatehouseAuth#logout()}.
     *
     * @param reason the problem {@code code} Gatehouse answered, {@code invalid_refresh_token}
     *               (expired, revoked or replayed token, or a suspended user; docs/tokens.md "Refused tokens", "Replay detection")
     */
    void sessionEnded(String reason);
}
