package dev.gatehouse.client;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The client against a real Gatehouse ({@code GATEHOUSE_URL}; skipped without it), through a
 * proxy that counts refresh calls and can drop an answer.
 */
class GatehouseAuthLiveTest {

    private static RefreshCountingProxy proxy;

    @BeforeAll
    static void startProxy() throws Exception {
        assumeTrue(LiveGatehouse.url() != null, "GATEHOUSE_URL is not set: no live Gatehouse to test against");
        proxy = RefreshCountingProxy.start(LiveGatehouse.url());
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A client signed in through the proxy whose access token has already expired. */
    private record SignedIn(GatehouseAuth auth, MemoryTokenStore store, Tokens tokens) {
    }

    private static SignedIn signedInWithExpiredAccessToken(SessionListener listener) throws Exception {
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = GatehouseAuth.builder(proxy.url()).tokenStore(store).sessionListener(listener).build();
        auth.login(LiveGatehouse.registerUser(), LiveGatehouse.PASSWORD, "junit");
        Tokens tokens = store.load();
        LiveGatehouse.waitUntilRefused(tokens.accessToken());
        proxy.forgetRefreshes();
        return new SignedIn(auth, store, tokens);
    }

    @Test
    void twentyParallelRequestsWithAnExpiredAccessTokenShareExactlyOneRefresh() throws Exception {
        SignedIn signedIn = signedInWithExpiredAccessToken(reason -> { });

        List<Integer> statuses = Parallel.run(20, () -> me(signedIn.auth().authenticatedClient()));

        assertEquals(Collections.nCopies(20, 200), statuses);
        assertEquals(List.of(signedIn.tokens().refreshToken()), proxy.refreshTokens(), "one refresh, with the stored token");
        Tokens saved = signedIn.store().load();
        assertNotEquals(signedIn.tokens().refreshToken(), saved.refreshToken(), "the successor is saved");
        assertEquals(signedIn.tokens().sessionId(), saved.sessionId());
    }

    @Test
    void aRefreshWhoseAnswerIsLostIsRetriedWithTheSameTokenAndTheUserStaysSignedIn() throws Exception {
        SignedIn signedIn = signedInWithExpiredAccessToken(reason -> { });
        String token = signedIn.tokens().refreshToken();
        proxy.dropNextRefreshResponse();

        assertEquals(200, me(signedIn.auth().authenticatedClient()));

        assertEquals(List.of(token, token), proxy.refreshTokens(), "the retry carries the same token");
        assertEquals(200, me(signedIn.auth().authenticatedClient()), "a following request");
        // docs/tokens.md "Reuse window": the retry got the one valid successor, so the client holds a live refresh token.
        Tokens saved = signedIn.store().load();
        assertNotEquals(token, saved.refreshToken());
        assertEquals(200, LiveGatehouse.refreshDirectly(saved.refreshToken()).status(), "the saved refresh token is the live one");
    }

    @Test
    void aReplayedRefreshTokenEndsTheSessionOnceForEveryWaitingCallerAndClearsTheStore() throws Exception {
        List<String> ended = Collections.synchronizedList(new ArrayList<>());
        SignedIn signedIn = signedInWithExpiredAccessToken(ended::add);
        String token = signedIn.tokens().refreshToken();
        // Rotate twice out of band: the successor of the client's token is used, so the client's copy
        // is a replay at once, whatever the reuse window (docs/tokens.md "Replay detection").
        LiveGatehouse.Answer first = LiveGatehouse.refreshDirectly(token);
        assertEquals(200, first.status());
        assertEquals(200, LiveGatehouse.refreshDirectly(AuthApi.string(first.body(), "refreshToken")).status());

        List<Integer> statuses = Parallel.run(5, () -> me(signedIn.auth().authenticatedClient()));

        assertEquals(Collections.nCopies(5, 401), statuses, "every waiting caller gets the 401");
        assertEquals(List.of("invalid_refresh_token"), ended, "the listener is called once");
        assertNull(signedIn.store().load(), "the store is cleared");
        assertEquals(List.of(token), proxy.refreshTokens(), "a 401 on refresh is not retried");
        // Signed out now: a request goes without a token and its 401 is the answer.
        assertEquals(401, me(signedIn.auth().authenticatedClient()));
        assertEquals(1, proxy.refreshTokens().size(), "no refresh without a session");
        assertEquals(1, ended.size());
    }

    @Test
    void logoutEndsTheSessionOnTheServerAndForgetsTheTokens() throws Exception {
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = GatehouseAuth.builder(proxy.url()).tokenStore(store).build();
        auth.login(LiveGatehouse.registerUser(), LiveGatehouse.PASSWORD, null);
        Tokens tokens = store.load();

        auth.logout();

        assertNull(store.load());
        assertEquals(401, LiveGatehouse.refreshDirectly(tokens.refreshToken()).status(), "the session is revoked on the server");
    }

    private static int me(OkHttpClient client) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url(proxy.url() + "/api/users/me").build()).execute()) {
            return response.code();
        }
    }
}
