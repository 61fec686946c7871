package dev.gatehouse.client;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static dev.gatehouse.client.FakeGatehouse.Answer.json;
import static dev.gatehouse.client.FakeGatehouse.Answer.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The passkey calls against a scripted server: the options go out as the JSON Credential Manager takes, the
 * authenticator's JSON comes back into Gatehouse's body, and a passkey sign-in keeps the session like a login.
 */
class PasskeyCallsTest {

    private static final String CREATION = "{\"challenge\":\"AQID\",\"rp\":{\"id\":\"shop.example\",\"name\":\"Shop\"},"
            + "\"user\":{\"id\":\"CQkJ\",\"name\":\"a@example.com\",\"displayName\":\"A\"},\"pubKeyCredParams\":[{\"type\":\"public-key\",\"alg\":-7}]}";
    private static final String REQUEST = "{\"challenge\":\"BQYH\",\"rpId\":\"shop.example\",\"userVerification\":\"required\"}";
    private static final String REGISTRATION = "{\"id\":\"Kg\",\"rawId\":\"Kg\",\"type\":\"public-key\","
            + "\"response\":{\"clientDataJSON\":\"AQ\",\"attestationObject\":\"AgM\"}}";
    private static final String ASSERTION = "{\"id\":\"Kg\",\"rawId\":\"Kg\",\"type\":\"public-key\","
            + "\"response\":{\"clientDataJSON\":\"AQ\",\"authenticatorData\":\"BA\",\"signature\":\"BQY\",\"userHandle\":\"CQkJ\"}}";

    private static FakeGatehouse server() throws Exception {
        return new FakeGatehouse(call -> switch (call.method() + " " + call.path()) {
            case "POST /api/auth/passkeys/register/options" -> "Bearer access-1".equals(call.authorization())
                    ? json(200, "{\"flowId\":\"flow-r\",\"publicKey\":" + CREATION + "}") : json(401, "{\"code\":\"invalid_token\"}");
            case "POST /api/auth/passkeys/register" -> json(201, "{\"id\":\"pk-1\",\"name\":\"Pixel\",\"createdAt\":\"now\","
                    + "\"lastUsedAt\":null,\"backedUp\":true}");
            case "POST /api/auth/passkeys/login/options" -> json(200, "{\"flowId\":\"flow-l\",\"publicKey\":" + REQUEST + "}");
            case "POST /api/auth/passkeys/login" -> new JSONObject(call.body()).getJSONObject("credential").getJSONObject("response")
                    .getString("signature").equals("BQY") ? tokens("access-2", "gatehouse_rt_second")
                    : json(401, "{\"code\":\"invalid_credentials\"}");
            default -> json(404, "{\"code\":\"not_found\"}");
        });
    }

    @Test
    void addsAPasskeyWithCredentialManagersJson() throws Exception {
        try (FakeGatehouse server = server()) {
            MemoryTokenStore store = new MemoryTokenStore();
            store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();

            PasskeyOptions options = auth.passkeyRegistrationOptions();
            assertEquals("flow-r", options.flowId());
            assertEquals(new JSONObject(CREATION).toMap(), new JSONObject(options.requestJson()).toMap());
            JSONObject passkey = auth.registerPasskey(options, REGISTRATION, "Pixel");

            assertEquals("pk-1", passkey.getString("id"));
            JSONObject sent = new JSONObject(server.calls("/api/auth/passkeys/register").get(0).body());
            assertEquals("flow-r", sent.getString("flowId"));
            assertEquals("Pixel", sent.getString("name"));
            assertEquals(new JSONObject(REGISTRATION).toMap(), sent.getJSONObject("credential").toMap());
            assertEquals("Bearer access-1", server.calls("/api/auth/passkeys/register").get(0).authorization());
        }
    }

    @Test
    void signsInWithAPasskeyAndKeepsTheSession() throws Exception {
        try (FakeGatehouse server = server()) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();

            PasskeyOptions options = auth.passkeySignInOptions();
            assertEquals(new JSONObject(REQUEST).toMap(), new JSONObject(options.requestJson()).toMap());
            auth.signInWithPasskey(options, ASSERTION, "Alice's Pixel");

            assertEquals("access-2", store.load().accessToken());
            FakeGatehouse.Call login = server.calls("/api/auth/passkeys/login").get(0);
            assertNull(login.authorization(), "no token is sent to sign in");
            assertEquals("Alice's Pixel", new JSONObject(login.body()).getString("deviceName"));
            assertEquals("flow-l", new JSONObject(login.body()).getString("flowId"));
        }
    }

    @Test
    void refusalsKeepTheirCodeAndNonJsonIsRefusedBeforeSending() throws Exception {
        try (FakeGatehouse server = server()) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();
            PasskeyOptions options = auth.passkeySignInOptions();
            String tampered = ASSERTION.replace("\"BQY\"", "\"AAA\"");
            GatehouseException refused = assertThrows(GatehouseException.class, () -> auth.signInWithPasskey(options, tampered, null));
            assertEquals(401, refused.status());
            assertEquals("invalid_credentials", refused.code());
            assertNull(store.load());
            for (String notJson : List.of("", "[]", "not json", "{\"a\":1} trailing")) {
                assertThrows(IllegalArgumentException.class, () -> auth.signInWithPasskey(options, notJson, null), notJson);
            }
            assertTrue(server.calls("/api/auth/passkeys/login").size() == 1, "nothing sent for what is not JSON");
        }
    }

    @Test
    void addingAPasskeyWithAnOldSignInOrABadAnswerKeepsTheSessionAndSaysWhy() throws Exception {
        record Refusal(String route, int status, String code) {
        }
        for (Refusal refusal : List.of(
                new Refusal("POST /api/auth/passkeys/register/options", 403, GatehouseException.REAUTHENTICATION_REQUIRED),
                new Refusal("POST /api/auth/passkeys/register", 403, GatehouseException.REAUTHENTICATION_REQUIRED),
                new Refusal("POST /api/auth/passkeys/register", 400, GatehouseException.INVALID_PASSKEY),
                new Refusal("POST /api/auth/passkeys/register/options", 404, "not_found"))) {
            try (FakeGatehouse server = new FakeGatehouse(call -> (call.method() + " " + call.path()).equals(refusal.route())
                    ? json(refusal.status(), "{\"status\":" + refusal.status() + ",\"code\":\"" + refusal.code() + "\"}")
                    : json(200, "{\"flowId\":\"flow-r\",\"publicKey\":" + CREATION + "}"))) {
                MemoryTokenStore store = new MemoryTokenStore();
                store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
                GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();

                GatehouseException thrown = assertThrows(GatehouseException.class,
                        () -> auth.registerPasskey(auth.passkeyRegistrationOptions(), REGISTRATION, null), refusal.toString());

                assertEquals(refusal.code(), thrown.code(), refusal.toString());
                assertEquals(refusal.status(), thrown.status());
                assertNotNull(store.load(), "a refused passkey keeps the session");
                assertEquals(List.of(), server.calls("/api/auth/refresh"), "a 403 is no cue to refresh");
            }
        }
    }

    @Test
    void registrationOptionsWithAnExpiredAccessTokenRefreshFirst() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> switch (call.path()) {
            case "/api/auth/refresh" -> tokens("access-2", "gatehouse_rt_second");
            case "/api/auth/passkeys/register/options" -> "Bearer access-2".equals(call.authorization())
                    ? json(200, "{\"flowId\":\"flow-r\",\"publicKey\":" + CREATION + "}") : json(401, "{\"code\":\"invalid_token\"}");
            default -> json(404, "{\"code\":\"not_found\"}");
        })) {
            MemoryTokenStore store = new MemoryTokenStore();
            store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();

            assertEquals("flow-r", auth.passkeyRegistrationOptions().flowId());
            assertEquals(1, server.calls("/api/auth/refresh").size());
            assertEquals("gatehouse_rt_second", store.load().refreshToken());
        }
    }

    @Test
    void signInOptionsThatAreRateLimitedOrNotOptionsFail() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> new FakeGatehouse.Answer(429, "{\"code\":\"rate_limited\"}", "12"))) {
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).build();
            GatehouseException thrown = assertThrows(GatehouseException.class, auth::passkeySignInOptions);
            assertEquals(GatehouseException.RATE_LIMITED, thrown.code());
            assertEquals(OptionalLong.of(12), thrown.retryAfterSeconds());
        }
        for (String notOptions : List.of("{\"flowId\":\"f\"}", "{\"publicKey\":" + REQUEST + "}", "{\"flowId\":7,\"publicKey\":{}}",
                "{\"flowId\":\"f\",\"publicKey\":\"{}\"}", "<html>", "")) {
            try (FakeGatehouse server = new FakeGatehouse(call -> json(200, notOptions))) {
                GatehouseAuth auth = GatehouseAuth.builder(server.url()).build();
                GatehouseException thrown = assertThrows(GatehouseException.class, auth::passkeySignInOptions, notOptions);
                assertEquals(200, thrown.status(), notOptions);
                assertNull(thrown.code());
            }
        }
    }

    @Test
    void aSuspendedUsersPasskeySignInStoresNothing() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> call.path().endsWith("/options")
                ? json(200, "{\"flowId\":\"flow-l\",\"publicKey\":" + REQUEST + "}") : json(403, "{\"code\":\"account_suspended\"}"))) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();
            GatehouseException thrown = assertThrows(GatehouseException.class,
                    () -> auth.signInWithPasskey(auth.passkeySignInOptions(), ASSERTION, null));
            assertEquals(GatehouseException.ACCOUNT_SUSPENDED, thrown.code());
            assertNull(store.load());
        }
    }

    @Test
    void listsRenamesAndRemovesPasskeysSignedIn() throws Exception {
        String list = "[{\"id\":\"pk-2\",\"name\":\"Laptop\",\"createdAt\":\"b\",\"lastUsedAt\":null,\"backedUp\":false},"
                + "7,{\"id\":\"pk-1\",\"name\":\"Pixel\",\"createdAt\":\"a\",\"lastUsedAt\":\"c\",\"backedUp\":true}]";
        try (FakeGatehouse server = new FakeGatehouse(call -> switch (call.method() + " " + call.path()) {
            case "GET /api/auth/passkeys" -> json(200, list);
            case "PATCH /api/auth/passkeys/pk-1", "DELETE /api/auth/passkeys/pk-2", "DELETE /api/auth/passkeys/a/b?" -> FakeGatehouse.Answer.empty(204);
            default -> json(404, "{\"code\":\"not_found\"}");
        })) {
            MemoryTokenStore store = new MemoryTokenStore();
            store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).tokenStore(store).build();

            List<JSONObject> passkeys = auth.passkeys();
            assertEquals(List.of("pk-2", "pk-1"), passkeys.stream().map(passkey -> passkey.getString("id")).toList(), "newest first, non-objects left out");
            assertTrue(passkeys.get(0).isNull("lastUsedAt"));
            auth.renamePasskey("pk-1", "Work phone");
            auth.deletePasskey("pk-2");
            auth.deletePasskey("a/b?"); // an id is one escaped path segment
            GatehouseException unknown = assertThrows(GatehouseException.class, () -> auth.deletePasskey("pk-9"));
            assertEquals("not_found", unknown.code());
            assertEquals(404, unknown.status());

            List<FakeGatehouse.Call> calls = server.calls();
            assertEquals(List.of("GET /api/auth/passkeys", "PATCH /api/auth/passkeys/pk-1", "DELETE /api/auth/passkeys/pk-2",
                    "DELETE /api/auth/passkeys/a%2Fb%3F", "DELETE /api/auth/passkeys/pk-9"),
                    calls.stream().map(call -> call.method() + " " + call.rawPath()).toList());
            assertEquals(new JSONObject("{\"name\":\"Work phone\"}").toMap(), new JSONObject(calls.get(1).body()).toMap());
            assertTrue(calls.get(2).body().isEmpty());
            assertTrue(calls.stream().allMatch(call -> "Bearer access-1".equals(call.authorization())));
        }
        for (String notAList : List.of("{\"passkeys\":[]}", "[1] [2]", "<html>", "")) {
            try (FakeGatehouse server = new FakeGatehouse(call -> json(200, notAList))) {
                MemoryTokenStore store = new MemoryTokenStore();
                store.save(new Tokens("access-1", "gatehouse_rt_first", "sid-1"));
                GatehouseException thrown = assertThrows(GatehouseException.class,
                        () -> GatehouseAuth.builder(server.url()).tokenStore(store).build().passkeys(), notAList);
                assertEquals(200, thrown.status());
            }
        }
    }
}
