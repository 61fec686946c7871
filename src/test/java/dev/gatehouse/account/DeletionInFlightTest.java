package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Account;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gatehouse.account.DeletedAccountCheck.nothingLeft;
import static dev.gatehouse.account.DeletedAccountCheck.onlyTheNoticeGoesOut;
import static dev.gatehouse.account.DeletedAccountCheck.poll;
import static dev.gatehouse.support.Api.PASSWORD;
import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/api.md "Account deletion": a deletion while the user's own requests are in flight (refreshes of every
 * session, Bearer calls, logins, password changes, session listings, exports). None may answer 5xx, every
 * token is refused within 1 s of the 204, and nothing of the user is left behind: no session created by a login
 * that raced the deletion, no event written after it.
 */
@QuarkusTest
class DeletionInFlightTest {

    private static final int SESSIONS = 4;
    private static final int ROUNDS = 2;

    @Inject
    Db db;

    @Test
    void requestsInFlightDuringADeletionNeverFailAndLeaveNothingBehind() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            deleteUnderLoad();
        }
    }

    /**
     * Refreshes of many sessions in a tight loop while an admin deletes the user: a rotation holds its token row
     * and then wants its session row, so a deletion that locked the sessions first would deadlock with it.
     */
    @Test
    void refreshesInFlightDuringAnAdminDeletionNeverFail() throws Exception {
        Account admin = register();
        db.makeAdmin(admin.id());
        Tokens adminTokens = login(admin);
        for (int round = 0; round < 5; round++) {
            Account account = register();
            List<Tokens> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS * 2; i++) {
                sessions.add(login(account));
            }
            AtomicBoolean deleted = new AtomicBoolean();
            AtomicInteger refreshes = new AtomicInteger();
            Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
            List<Integer> results = dev.gatehouse.support.Parallel.run(sessions.size() + 1, i -> {
                if (i == sessions.size()) {
                    poll(() -> refreshes.get() >= sessions.size() * 3, 10_000, "the refreshes did not start");
                    int status = given().auth().oauth2(adminTokens.accessToken()).delete("/api/admin/users/" + account.id())
                            .statusCode();
                    deleted.set(true);
                    return status;
                }
                String refresh = sessions.get(i).refreshToken();
                int after = 0;
                while (after < 3) { // a few more once the deletion answered
                    Response response = Api.refreshResponse(refresh);
                    statuses.add(response.statusCode());
                    refreshes.incrementAndGet();
                    if (response.statusCode() == 200) {
                        refresh = response.path("refreshToken");
                    }
                    if (deleted.get()) {
                        after++;
                    }
                }
                return 0;
            });
            assertEquals(204, results.get(sessions.size()));
            assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 401), statuses.toString());
            nothingLeft(db, account.id(), account.email(), sessions.stream().map(Tokens::sessionId).toList(),
                    Map.of("by", "admin", "adminId", admin.id()), 0);
            onlyTheNoticeGoesOut(db, account.id(), account.email());
        }
    }

    /** What every kind of request answered: anything else (a 5xx above all) fails the test. */
    private static final Map<String, Set<Integer>> ALLOWED = Map.of(
            "refresh", Set.of(200, 401),
            "me", Set.of(200, 401),
            "sessions", Set.of(200, 401),
            "export", Set.of(200, 401),
            "login", Set.of(200, 401, 429), // 429: after the deletion the unknown email locks like any other
            "password", Set.of(204, 400, 401), // 400: a parallel password change replaced the verified hash
            "delete", Set.of(204, 400, 401));

    private void deleteUnderLoad() throws Exception {
        Account account = register();
        Queue<String> accessTokens = new ConcurrentLinkedQueue<>();
        Queue<String> sessionIds = new ConcurrentLinkedQueue<>();
        Queue<String> answers = new ConcurrentLinkedQueue<>();
        AtomicInteger refusedLogins = new AtomicInteger();
        AtomicInteger refreshes = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> latestAccess = new AtomicReference<>();

        // A session, recorded; null when the login was refused.
        java.util.function.Supplier<Tokens> signIn = () -> {
            Response response = Api.loginResponse(account.email(), PASSWORD);
            answers.add("login " + response.statusCode());
            if (response.statusCode() == 401) {
                refusedLogins.incrementAndGet();
            }
            if (response.statusCode() != 200) {
                return null;
            }
            Tokens tokens = new Tokens(response.path("accessToken"), response.path("refreshToken"), response.path("sessionId"));
            accessTokens.add(tokens.accessToken());
            sessionIds.add(tokens.sessionId());
            latestAccess.set(tokens.accessToken());
            return tokens;
        };

        List<Tokens> start = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            start.add(signIn.get());
        }

        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS + 3);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                Tokens first = start.get(i);
                workers.add(pool.submit(() -> {
                    String refresh = first.refreshToken();
                    while (!stop.get()) {
                        Response response = Api.refreshResponse(refresh);
                        answers.add("refresh " + response.statusCode());
                        refreshes.incrementAndGet();
                        if (response.statusCode() == 200) {
                            refresh = response.path("refreshToken");
                            accessTokens.add(response.path("accessToken"));
                            latestAccess.set(response.path("accessToken"));
                        } else {
                            Tokens again = signIn.get(); // a password change ended this session: a new one
                            if (again != null) {
                                refresh = again.refreshToken();
                            }
                        }
                    }
                    return null;
                }));
            }
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    String token = latestAccess.get();
                    answers.add("me " + given().auth().oauth2(token).get("/api/users/me").statusCode());
                    answers.add("sessions " + given().auth().oauth2(token).get("/api/auth/sessions").statusCode());
                    answers.add("export " + given().auth().oauth2(token).get("/api/users/me/export").statusCode());
                }
                return null;
            }));
            workers.add(pool.submit(() -> {
                while (!stop.get()) {
                    // the same password again: it gets a new hash, a new stamp, and every other session ends
                    answers.add("password " + given().auth().oauth2(latestAccess.get()).contentType(ContentType.JSON)
                            .body(Map.of("currentPassword", PASSWORD, "newPassword", PASSWORD))
                            .post("/api/auth/password").statusCode());
                }
                return null;
            }));

            poll(() -> refreshes.get() >= 2 * SESSIONS, 10_000, "the load did not start");
            long deletedAt = 0;
            for (int attempt = 0; attempt < 100 && deletedAt == 0; attempt++) {
                // a fresh token: the password changes keep ending the older ones
                Tokens mine = signIn.get();
                if (mine == null) {
                    continue;
                }
                int status = AccountDeletionTest.deleteMe(mine.accessToken(), Map.of("password", PASSWORD)).statusCode();
                answers.add("delete " + status);
                if (status == 204) {
                    deletedAt = System.nanoTime();
                }
            }
            assertTrue(deletedAt != 0, "no deletion got through: " + answers.stream().filter(a -> a.startsWith("delete")).toList());

            // while the load goes on: every token issued so far is refused within 1 s of the 204
            long deadline = deletedAt + 1_000_000_000L;
            for (String token : List.copyOf(accessTokens)) {
                poll(() -> given().auth().oauth2(token).get("/api/users/me").statusCode() == 401,
                        Math.max(0, (deadline - System.nanoTime()) / 1_000_000), "a token still works 1 s after the deletion");
            }
            poll(() -> System.nanoTime() >= deadline, 2_000, "");
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }

        List<String> unexpected = answers.stream().filter(answer -> {
            String[] parts = answer.split(" ");
            return !ALLOWED.get(parts[0]).contains(Integer.parseInt(parts[1]));
        }).toList();
        assertEquals(List.of(), unexpected, "unexpected answers while the deletion ran");
        for (String token : accessTokens) {
            assertEquals(401, given().auth().oauth2(token).get("/api/users/me").statusCode(), "a token of the deleted user");
        }
        nothingLeft(db, account.id(), account.email(), List.copyOf(sessionIds), Map.of("by", "user"), refusedLogins.get());
        onlyTheNoticeGoesOut(db, account.id(), account.email());
    }
}
