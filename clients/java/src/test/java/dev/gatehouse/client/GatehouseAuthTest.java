package dev.gatehouse.client;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.client.FakeGatehouse.Answer.json;
import static dev.gatehouse.client.FakeGatehouse.Answer.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The client's refresh logic against a scripted server; the real service is in {@link GatehouseAuthLiveTest}. */
class GatehouseAuthTest {

    private static final String INVALID_TOKEN = "{\"code\":\"invalid_token\"}";

    private static GatehouseAuth signedIn(FakeGatehouse server, MemoryTokenStore store, SessionListener listener) {
        store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
        return GatehouseAuth.builder(server.url()).tokenStore(store).sessionListener(listener).build();
    }

    private static int get(OkHttpClient client, String url) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code();
        }
    }

    private static List<String> refreshTokensSent(FakeGatehouse server) {
        return server.calls("/api/auth/refresh").stream().map(call -> new JSONObject(call.body()).getString("refreshToken")).toList();
    }

    @Test
    void aRefreshAnswered503IsRetriedWithTheSameToken() throws Exception {
        AtomicInteger refreshes = new AtomicInteger();
        try (FakeGatehouse server = new FakeGatehouse(call -> {
            if (call.path().equals("/api/auth/refresh")) {
                return refreshes.incrementAndGet() == 1 ? json(503, "{\"code\":\"service_unavailable\"}") : tokens("access-2", "gatehouse_rt_second");
            }
            return "Bearer access-2".equals(call.authorization()) ? json(200, "{}") : json(401, INVALID_TOKEN);
        })) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, reason -> { });

            assertEquals(200, get(auth.authenticatedClient(), server.url() + "/api/users/me"));

            assertEquals(List.of("gatehouse_rt_first", "gatehouse_rt_first"), refreshTokensSent(server));
            assertEquals(new Tokens("access-2", "gatehouse_rt_second", "sid-1"), store.load());
        }
    }

    @Test
    void aRequestRefusedAgainWithTheNewTokenGetsItsAnswerWithoutAnotherRefresh() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> call.path().equals("/api/auth/refresh")
                ? tokens("access-2", "gatehouse_rt_second") : json(401, INVALID_TOKEN))) {
            List<String> ended = Collections.synchronizedList(new ArrayList<>());
            GatehouseAuth auth = signedIn(server, new MemoryTokenStore(), ended::add);

            assertEquals(401, get(auth.authenticatedClient(), server.url() + "/api/orders"));

            assertEquals(List.of("Bearer access-1", "Bearer access-2"),
                    server.calls("/api/orders").stream().map(FakeGatehouse.Call::authorization).toList(), "retried once");
            assertEquals(1, refreshTokensSent(server).size());
            assertEquals(List.of(), ended, "the session is still live: only this request is refused");
        }
    }

    @Test
    void theAccessTokenGoesOnlyToTheApiHosts() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> json(401, INVALID_TOKEN))) {
            GatehouseAuth auth = signedIn(server, new MemoryTokenStore(), reason -> { });

            // The same server under another name: not a configured host.
            assertEquals(401, get(auth.authenticatedClient(), "http://localhost:" + server.port() + "/elsewhere"));

            assertEquals(1, server.calls("/elsewhere").size());
            assertNull(server.calls("/elsewhere").get(0).authorization(), "no token for a third party");
            assertEquals(List.of(), refreshTokensSent(server), "and no refresh for its 401");
        }
    }

    @Test
    void aRefusedRefreshEndsTheSessionOnceAndClearsTheStore() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> call.path().equals("/api/auth/refresh")
                ? json(401, "{\"code\":\"invalid_refresh_token\"}") : json(401, INVALID_TOKEN))) {
            List<String> ended = Collections.synchronizedList(new ArrayList<>());
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, ended::add);

            List<Integer> statuses = Parallel.run(8, () -> get(auth.authenticatedClient(), server.url() + "/api/users/me"));

            assertEquals(Collections.nCopies(8, 401), statuses);
            assertEquals(List.of("invalid_refresh_token"), ended);
            assertNull(store.load());
            assertEquals(List.of("gatehouse_rt_first"), refreshTokensSent(server));
        }
    }
}
