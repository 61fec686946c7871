package dev.gatehouse.client;

import okhttp3.Request;
import okhttp3.Response;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gatehouse.client.FakeGatehouse.Answer.empty;
import static dev.gatehouse.client.FakeGatehouse.Answer.json;
import static dev.gatehouse.client.FakeGatehouse.Answer.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The account calls against a scripted server: what they send, what they return, how they fail. */
class AccountCallsTest {

    private static final String ACCESS = "access-1";
    private static final String REFRESH = "gatehouse_rt_first";
    private static final String USER = "{\"id\":\"u-1\",\"email\":\"a@example.com\",\"displayName\":null,"
            + "\"roles\":[\"user\"],\"emailVerified\":true}";
    private static final String EXPORT = "{\"user\":" + USER + ",\"sessions\":[],\"passkeys\":[],"
            + "\"events\":[{\"kind\":\"email_verified\",\"sessionId\":null,\"at\":\"2026-12-02T10:00:00Z\",\"details\":{}}]}";

    static String oneTimeToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return "gatehouse_ot_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Every account call answered with its success status. */
    private static FakeGatehouse.Answer success(FakeGatehouse.Call call) {
        return switch (call.method() + " " + call.path()) {
            case "POST /api/auth/password/forgot", "POST /api/auth/email/verification", "POST /api/auth/email" -> empty(202);
            case "POST /api/auth/password/reset", "POST /api/auth/email/verify", "POST /api/auth/email/confirm",
                 "DELETE /api/users/me", "POST /api/auth/logout" -> empty(204);
            case "GET /api/users/me" -> json(200, USER);
            case "GET /api/users/me/export" -> json(200, EXPORT);
            default -> json(404, "{\"code\":\"not_found\"}");
        };
    }

    private static GatehouseAuth signedIn(FakeGatehouse server, MemoryTokenStore store, SessionListener listener) {
        store.save(new Tokens(ACCESS, REFRESH, "sid-1"));
        return GatehouseAuth.builder(server.url()).tokenStore(store).sessionListener(listener).build();
    }

    private interface AccountCall {
        void run(GatehouseAuth auth) throws Exception;
    }

    private record Expected(AccountCall call, String route, String body, boolean bearer) {
    }

    @Test
    void eachCallSendsItsMethodPathAndBodyAndTheTokenOnlyWhenSignedIn() throws Exception {
        String token = oneTimeToken();
        List<Expected> expected = List.of(
                new Expected(auth -> auth.forgotPassword("a@example.com"), "POST /api/auth/password/forgot",
                        "{\"email\":\"a@example.com\"}", false),
                new Expected(auth -> auth.resetPassword(token, "new password 1"), "POST /api/auth/password/reset",
                        "{\"token\":\"" + token + "\",\"newPassword\":\"new password 1\"}", false),
                new Expected(auth -> auth.resetPasswordWithCode("a@example.com", "012345", "new password 2"), "POST /api/auth/password/reset",
                        "{\"email\":\"a@example.com\",\"code\":\"012345\",\"newPassword\":\"new password 2\"}", false),
                new Expected(GatehouseAuth::requestEmailVerification, "POST /api/auth/email/verification", "", true),
                new Expected(auth -> auth.requestEmailVerification("a@example.com"), "POST /api/auth/email/verification",
                        "{\"email\":\"a@example.com\"}", false),
                new Expected(auth -> auth.verifyEmail(token), "POST /api/auth/email/verify", "{\"token\":\"" + token + "\"}", false),
                new Expected(auth -> auth.verifyEmailWithCode("a@example.com", "000007"), "POST /api/auth/email/verify",
                        "{\"email\":\"a@example.com\",\"code\":\"000007\"}", false),
                new Expected(auth -> auth.changeEmail("b@example.com", "correct horse battery"), "POST /api/auth/email",
                        "{\"newEmail\":\"b@example.com\",\"currentPassword\":\"correct horse battery\"}", true),
                new Expected(auth -> auth.confirmEmailChange(token), "POST /api/auth/email/confirm", "{\"token\":\"" + token + "\"}", false),
                new Expected(auth -> auth.confirmEmailChangeWithCode("123456"), "POST /api/auth/email/confirm", "{\"code\":\"123456\"}", true),
                new Expected(GatehouseAuth::me, "GET /api/users/me", "", true),
                new Expected(GatehouseAuth::exportData, "GET /api/users/me/export", "", true),
                new Expected(auth -> auth.deleteAccount("correct horse battery"), "DELETE /api/users/me",
                        "{\"password\":\"correct horse battery\"}", true));
        try (FakeGatehouse server = new FakeGatehouse(AccountCallsTest::success)) {
            GatehouseAuth auth = signedIn(server, new MemoryTokenStore(), reason -> { });
            for (Expected call : expected) {
                int before = server.calls().size();
                call.call().run(auth);
                List<FakeGatehouse.Call> calls = server.calls();
                assertEquals(before + 1, calls.size(), call.route());
                FakeGatehouse.Call sent = calls.get(before);
                assertEquals(call.route(), sent.method() + " " + sent.path());
                assertEquals(call.bearer() ? "Bearer " + ACCESS : null, sent.authorization(), call.route());
                if (call.body().isEmpty()) {
                    assertTrue(sent.body().isEmpty(), call.route());
                } else {
                    assertEquals(new JSONObject(call.body()).toMap(), new JSONObject(sent.body()).toMap(), call.route());
                    assertTrue(sent.contentType().startsWith("application/json"), call.route());
                }
            }
            for (FakeGatehouse.Call call : server.calls()) {
                assertFalse(call.body().contains("gatehouse_rt_") || call.body().contains(ACCESS), call.path() + ": no token in a body");
            }
        }
    }

    @Test
    void theCallsReturnWhatGatehouseAnswered() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(AccountCallsTest::success)) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, reason -> { });

            auth.forgotPassword("a@example.com");
            auth.verifyEmailWithCode("a@example.com", "123456");
            assertEquals(new User("u-1", "a@example.com", null, List.of("user"), true), auth.me());
            JSONObject export = auth.exportData();
            assertEquals(new JSONObject(EXPORT).toMap(), export.toMap());
            assertEquals("email_verified", export.getJSONArray("events").getJSONObject(0).getString("kind"));
            assertNotNull(store.load(), "still signed in");
        }
    }

    @Test
    void meReadsEmailVerifiedFalseAndToleratesMissingOrOddMembers() throws Exception {
        for (Map.Entry<String, User> answer : Map.of(
                "{\"id\":\"u\",\"email\":\"e\",\"displayName\":\"Ann\",\"roles\":[\"user\",\"admin\"],\"emailVerified\":false}",
                new User("u", "e", "Ann", List.of("user", "admin"), false),
                "{\"id\":\"u\",\"email\":\"e\",\"roles\":[\"user\",7,null],\"emailVerified\":\"true\",\"mfaEnabled\":true}",
                new User("u", "e", null, List.of("user"), false, true)).entrySet()) {
            try (FakeGatehouse server = new FakeGatehouse(call -> json(200, answer.getKey()))) {
                assertEquals(answer.getValue(), signedIn(server, new MemoryTokenStore(), reason -> { }).me());
            }
        }
        for (String notAUser : List.of("{\"email\":\"e\"}", "[1]", "<html>", "")) {
            try (FakeGatehouse server = new FakeGatehouse(call -> json(200, notAUser))) {
                GatehouseException thrown = assertThrows(GatehouseException.class, () -> signedIn(server, new MemoryTokenStore(), reason -> { }).me());
                assertEquals(200, thrown.status(), notAUser);
            }
        }
    }

    @Test
    void aCallWithAnExpiredAccessTokenRefreshesOnceForAllParallelCallsAndIsSentAgain() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> {
            if (call.path().equals("/api/auth/refresh")) {
                return tokens("access-2", "gatehouse_rt_second");
            }
            return "Bearer access-2".equals(call.authorization()) ? success(call) : json(401, "{\"code\":\"invalid_token\"}");
        })) {
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, reason -> { });
            List<AccountCall> calls = List.of(a -> a.changeEmail("b@example.com", "correct horse battery"), GatehouseAuth::me,
                    GatehouseAuth::exportData, GatehouseAuth::requestEmailVerification, a -> a.confirmEmailChangeWithCode("123456"));

            Parallel.run(calls.size(), new Callable<Void>() {
                private final AtomicInteger next = new AtomicInteger();

                @Override
                public Void call() throws Exception {
                    calls.get(next.getAndIncrement()).run(auth);
                    return null;
                }
            });

            assertEquals(1, server.calls("/api/auth/refresh").size(), "one refresh for all");
            List<FakeGatehouse.Call> changes = server.calls("/api/auth/email");
            assertEquals(List.of("Bearer access-1", "Bearer access-2"), changes.stream().map(FakeGatehouse.Call::authorization).toList());
            assertEquals(changes.get(0).body(), changes.get(1).body(), "the body is sent again");
            assertEquals("gatehouse_rt_second", store.load().refreshToken());
        }
    }

    @Test
    void everyProblemCodeReachesTheAppWithItsStatusAndNoSecret() throws Exception {
        String token = oneTimeToken();
        record Refusal(String code, int status, AccountCall call) {
        }
        List<Refusal> refusals = List.of(
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.resetPassword(token, "new password 1")),
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.resetPasswordWithCode("a@example.com", "000000", "new password 1")),
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.verifyEmail(token)),
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.verifyEmailWithCode("a@example.com", "000000")),
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.confirmEmailChange(token)),
                new Refusal(GatehouseException.INVALID_CODE, 400, a -> a.confirmEmailChangeWithCode("000000")),
                new Refusal(GatehouseException.EMAIL_NOT_VERIFIED, 403, a -> a.login("a@example.com", "correct horse battery", null)),
                new Refusal(GatehouseException.LAST_ADMIN, 409, a -> a.deleteAccount("correct horse battery")),
                new Refusal(GatehouseException.INVALID_CURRENT_PASSWORD, 400, a -> a.deleteAccount("wrong password")),
                new Refusal(GatehouseException.INVALID_CURRENT_PASSWORD, 400, a -> a.changeEmail("b@example.com", "wrong password")),
                new Refusal(GatehouseException.EMAIL_TAKEN, 409, a -> a.changeEmail("taken@example.com", "correct horse battery")),
                new Refusal(GatehouseException.EMAIL_TAKEN, 409, a -> a.confirmEmailChange(token)),
                new Refusal(GatehouseException.VALIDATION_FAILED, 400, a -> a.resetPassword(token, "short")),
                new Refusal("not_found", 404, GatehouseAuth::exportData));
        for (Refusal refusal : refusals) {
            try (FakeGatehouse server = new FakeGatehouse(call -> json(refusal.status(),
                    "{\"type\":\"urn:gatehouse:problem:" + refusal.code() + "\",\"status\":" + refusal.status() + ",\"code\":\"" + refusal.code() + "\"}"))) {
                MemoryTokenStore store = new MemoryTokenStore();
                GatehouseAuth auth = signedIn(server, store, reason -> { });

                GatehouseException thrown = assertThrows(GatehouseException.class, () -> refusal.call().run(auth), refusal.code());

                assertEquals(refusal.code(), thrown.code());
                assertEquals(refusal.status(), thrown.status());
                assertFalse(thrown.getMessage().contains("gatehouse_ot_") || thrown.getMessage().contains("gatehouse_rt_"), thrown.getMessage());
                assertNotNull(store.load(), refusal.code() + ": a refused call keeps the session");
            }
        }
    }

    @Test
    void aRateLimitedCallKeepsItsRetryAfter() throws Exception {
        try (FakeGatehouse server = new FakeGatehouse(call -> new FakeGatehouse.Answer(429, "{\"code\":\"rate_limited\"}", "30"))) {
            GatehouseAuth auth = signedIn(server, new MemoryTokenStore(), reason -> { });
            for (AccountCall call : List.<AccountCall>of(a -> a.forgotPassword("a@example.com"),
                    a -> a.verifyEmailWithCode("a@example.com", "123456"), a -> a.deleteAccount("wrong password"))) {
                GatehouseException thrown = assertThrows(GatehouseException.class, () -> call.run(auth));
                assertEquals(GatehouseException.RATE_LIMITED, thrown.code());
                assertEquals(OptionalLong.of(30), thrown.retryAfterSeconds());
            }
        }
    }

    @Test
    void deleteAccountForgetsTheTokensWithoutTheListenerAndARefusedOneKeepsThem() throws Exception {
        AtomicBoolean refuse = new AtomicBoolean(true);
        try (FakeGatehouse server = new FakeGatehouse(call -> call.method().equals("DELETE") && refuse.get()
                ? json(400, "{\"code\":\"invalid_current_password\"}") : success(call))) {
            List<String> ended = Collections.synchronizedList(new ArrayList<>());
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, ended::add);

            assertThrows(GatehouseException.class, () -> auth.deleteAccount("wrong password"));
            assertNotNull(store.load());
            refuse.set(false);
            auth.deleteAccount("correct horse battery");

            assertNull(store.load(), "the store is cleared");
            assertEquals(List.of(), ended, "the app asked for this end");
            auth.exportData();
            List<FakeGatehouse.Call> calls = server.calls();
            assertNull(calls.get(calls.size() - 1).authorization(), "no token after the deletion");
            assertEquals(List.of(), server.calls("/api/auth/refresh"));
        }
    }

    @Test
    void aRefreshThatLandsAfterTheDeletionBringsNothingBack() throws Exception {
        CountDownLatch refreshArrived = new CountDownLatch(1);
        CountDownLatch deleted = new CountDownLatch(1);
        try (FakeGatehouse server = new FakeGatehouse(call -> {
            switch (call.path()) {
                case "/api/auth/refresh" -> {
                    refreshArrived.countDown();
                    await(deleted);
                    return tokens("access-2", "gatehouse_rt_second");
                }
                case "/api/orders" -> {
                    return json(401, "{\"code\":\"invalid_token\"}");
                }
                default -> {
                    return success(call);
                }
            }
        })) {
            List<String> ended = Collections.synchronizedList(new ArrayList<>());
            MemoryTokenStore store = new MemoryTokenStore();
            GatehouseAuth auth = signedIn(server, store, ended::add);

            CompletableFuture<Integer> order = CompletableFuture.supplyAsync(() -> {
                try (Response response = auth.authenticatedClient().newCall(
                        new Request.Builder().url(server.url() + "/api/orders").build()).execute()) {
                    return response.code();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertTrue(refreshArrived.await(10, TimeUnit.SECONDS));
            auth.deleteAccount("correct horse battery");
            deleted.countDown();

            assertEquals(401, order.get(10, TimeUnit.SECONDS), "the request gets its 401");
            assertNull(store.load(), "the deleted session's successor is not saved");
            assertEquals(List.of(), ended);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
