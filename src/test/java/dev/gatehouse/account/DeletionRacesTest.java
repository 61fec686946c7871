package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Account;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.gatehouse.support.Api.PASSWORD;
import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/api.md "Account deletion": what an attacker's review of the deletion found, kept as regression tests. */
@QuarkusTest
class DeletionRacesTest {

    @Inject
    Db db;

    /**
     * A suspension that commits while the self-deletion is checking the password: the deletion then runs on a
     * token whose stamp is dead, deletes a suspended account and erases its "suspended" event. Both answering 2xx
     * proves the order: had the deletion committed first, the suspension would have found no user (404).
     */
    @Test
    void aSuspensionDuringTheDeletionsPasswordCheckStopsTheDeletion() throws Exception {
        Account adminAccount = register();
        db.makeAdmin(adminAccount.id());
        Tokens admin = login(adminAccount);
        List<String> rounds = new ArrayList<>();
        int bothSucceeded = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30 && bothSucceeded == 0; round++) {
                Account account = register();
                Tokens tokens = login(account);
                long delayNanos = (round % 10) * 4_000_000L; // 0..36 ms into the deletion's Argon2id check
                CountDownLatch go = new CountDownLatch(1);
                Future<Integer> delete = pool.submit(() -> {
                    go.await();
                    return AccountDeletionTest.deleteMe(tokens.accessToken(), Map.of("password", PASSWORD)).statusCode();
                });
                Future<Integer> suspend = pool.submit(() -> {
                    go.await();
                    long until = System.nanoTime() + delayNanos;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    return given().auth().oauth2(admin.accessToken()).post("/api/admin/users/" + account.id() + "/suspend")
                            .statusCode();
                });
                go.countDown();
                int d = delete.get();
                int s = suspend.get();
                rounds.add("delay " + delayNanos / 1_000_000 + " ms: delete " + d + ", suspend " + s);
                if (d == 204 && s == 204) {
                    bothSucceeded++;
                    // the evidence of the suspension is gone too
                    rounds.add("events left: " + db.column("select kind from security_events where user_id = ?",
                            UUID.fromString(account.id())));
                }
            }
        } finally {
            pool.shutdownNow();
        }
                assertEquals(0, bothSucceeded, "a suspended account was deleted by its own (dead) token: " + rounds);
    }

    /** docs/api.md "Account deletion": nothing of the account is left; mail_requests holds SHA-256 of its address. */
    @Test
    void theDeletionLeavesNoHashOfTheAddressInMailRequests() throws Exception {
        Account account = register();
        Tokens tokens = login(account);
        given().contentType(ContentType.JSON).body(Map.of("email", account.email())).post("/api/auth/password/forgot")
                .then().statusCode(202);
        AccountDeletionTest.deleteMe(tokens.accessToken(), Map.of("password", PASSWORD)).then().statusCode(204);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(account.email().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, db.count("select count(*) from mail_requests where address_hash = ?", hash),
                "mail_requests rows keyed by the deleted address");
    }

    /** docs/api.md "Data export": an account with 200,000 events still exports (the newest 10,000) and deletes. */
    @Test
    void theExportOfAnAccountWithManyEventsIsBounded() {
        Account account = register();
        Tokens tokens = login(account);
        UUID id = UUID.fromString(account.id());
        for (int batch = 0; batch < 20; batch++) db.update("insert into security_events (user_id, session_id, kind, at, details)"
                + " select ?, null, 'logout_all', now() - (g || ' seconds')::interval, '{\"sessionsRevoked\":1}'::jsonb"
                + " from generate_series(1, 10000) g", id);
        io.restassured.response.Response export = given().auth().oauth2(tokens.accessToken()).get("/api/users/me/export");
        int deleted = AccountDeletionTest.deleteMe(tokens.accessToken(), Map.of("password", PASSWORD)).statusCode();
        assertEquals(200, export.statusCode(), "export of an account with many events");
        assertEquals(10_000, export.jsonPath().getList("events").size());
        assertEquals(204, deleted, "deletion of an account with many events");
    }
}
