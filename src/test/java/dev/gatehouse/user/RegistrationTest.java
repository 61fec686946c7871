package dev.gatehouse.user;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class RegistrationTest {

    @Inject
    Db db;

    @Test
    void parallelRegistrationsOfOneEmailCreateOneAccount() throws Exception {
        String email = Api.uniqueEmail();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String variant = i % 2 == 0 ? email : email.toUpperCase(java.util.Locale.ROOT);
                statuses.add(pool.submit(() -> {
                    start.await();
                    return given().contentType(ContentType.JSON)
                            .body(Map.of("email", variant, "password", Api.PASSWORD))
                            .post("/api/auth/register").statusCode();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                codes.add(status.get());
            }
            assertEquals(1, codes.stream().filter(c -> c == 201).count(), codes.toString());
            assertEquals(7, codes.stream().filter(c -> c == 409).count(), codes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1L, db.count("select count(*) from users where lower(email) = ?", email));
    }

    @Test
    void beyondTheSessionCapTheLeastRecentlyUsedSessionIsRevoked() {
        Api.Account account = Api.register();
        Api.Tokens oldest = Api.login(account);
        Api.Tokens recentlyUsed = Api.login(account);
        for (int i = 0; i < 48; i++) {
            Api.login(account);
        }
        // refreshing makes the second session the most recently used one
        Api.Tokens refreshed = Api.refresh(recentlyUsed.refreshToken());
        Api.login(account); // the 51st
        UUID userId = UUID.fromString(account.id());
        assertEquals(50L, db.count("select count(*) from sessions where user_id = ? and revoked_at is null", userId));
        assertEquals("session_limit", db.single("select revoke_reason from sessions where id = ?", UUID.fromString(oldest.sessionId())));
        Api.refreshResponse(oldest.refreshToken()).then().statusCode(401);
        Api.me(oldest.accessToken()).then().statusCode(401);
        Api.me(refreshed.accessToken()).then().statusCode(200);
    }
}
