package dev.gatehouse.abuse;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.gatehouse.support.Api.loginResponse;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Account lockout": per-account lockout, with time moved by the test clock. */
@QuarkusTest
class LockoutTest {

    @Inject
    TestClock clock;
    @Inject
    Db db;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static void fail(String email) {
        loginResponse(email, "wrong password!").then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    private static long locked(String email, String password) {
        Response response = loginResponse(email, password);
        response.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        return Long.parseLong(response.header("Retry-After"));
    }

    @Test
    void fiveFailuresLockTheAccountEvenForTheRightPassword() {
        Api.Account account = Api.register();
        for (int i = 0; i < 5; i++) {
            fail(account.email());
        }
        long retryAfter = locked(account.email(), account.password());
        assertTrue(retryAfter > 25 && retryAfter <= 30, "Retry-After " + retryAfter);
        locked(account.email(), "wrong password!"); // attempts while locked are not counted
        clock.advance(Duration.ofSeconds(31));
        Api.login(account);
        // the success reset the count: five more failures are needed for a lock
        for (int i = 0; i < 4; i++) {
            fail(account.email());
        }
        Api.login(account);
    }

    @Test
    void eachFailureAfterALockLocksTwiceAsLongUpToTheMaximum() {
        Api.Account account = Api.register();
        for (int i = 0; i < 5; i++) {
            fail(account.email());
        }
        long expected = 30;
        for (int lock = 0; lock < 7; lock++) {
            long retryAfter = locked(account.email(), account.password());
            assertTrue(retryAfter <= expected && retryAfter > expected - 5, "lock " + lock + ": " + retryAfter);
            clock.advance(Duration.ofSeconds(expected + 1));
            fail(account.email());
            expected = Math.min(expected * 2, 900);
        }
        assertEquals(900, expected, "capped at max-delay (15 min)");
    }

    @Test
    void unknownEmailsLockAlikeAndTheAnswersMatch() {
        Api.Account account = Api.register();
        String unknown = Api.uniqueEmail();
        for (int i = 0; i < 5; i++) {
            fail(account.email());
            fail(unknown);
        }
        Response known = loginResponse(account.email(), account.password());
        Response missing = loginResponse(unknown, "whatever password");
        assertEquals(429, known.statusCode());
        assertEquals(429, missing.statusCode());
        assertEquals(known.asString().replaceAll("\\d+ seconds", "N seconds"),
                missing.asString().replaceAll("\\d+ seconds", "N seconds"));
    }

    @Test
    void twentyFourHoursWithoutAFailureStartOver() {
        Api.Account account = Api.register();
        for (int i = 0; i < 4; i++) {
            fail(account.email());
        }
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        for (int i = 0; i < 4; i++) {
            fail(account.email());
        }
        Api.login(account);
    }

    @Test
    void onlyAnAnswerThatIssuesTokensResetsTheCount() {
        Api.Account account = Api.register();
        for (int i = 0; i < 4; i++) {
            fail(account.email());
        }
        db.update("update users set status = 'suspended' where id = ?", java.util.UUID.fromString(account.id()));
        loginResponse(account.email(), account.password()).then().statusCode(403).body("code", equalTo("account_suspended"));
        // nor did it count: an attempt counts from its start and a right password takes it back, lock and all
        loginResponse(account.email(), account.password()).then().statusCode(403).body("code", equalTo("account_suspended"));
        db.update("update users set status = 'active' where id = ?", java.util.UUID.fromString(account.id()));
        fail(account.email()); // the fifth in a row: the 403s reset nothing
        locked(account.email(), account.password());
    }

    @Test
    void aBadRequestIsNotAFailure() {
        Api.Account account = Api.register();
        for (int i = 0; i < 6; i++) {
            io.restassured.RestAssured.given().contentType("application/json").body("{\"email\":\"" + account.email() + "\"}")
                    .post("/api/auth/login").then().statusCode(400);
        }
        Api.login(account);
    }

    @Test
    void rightPasswordsLeaveNoRowsBehind() {
        // every attempt is counted while it runs; a right one is taken back, and a count back at nothing goes
        Api.Account account = Api.register();
        Api.login(account);
        db.update("update users set status = 'suspended' where id = ?", java.util.UUID.fromString(account.id()));
        loginResponse(account.email(), account.password()).then().statusCode(403);
        String accountRows = "select count(*) from account_failure_counts where email_hash = sha256(convert_to(?, 'UTF8'))";
        assertEquals(0, db.count(accountRows, account.email()));
        fail(account.email());
        assertEquals(1, db.count(accountRows, account.email()), "a failure is kept");
    }
}
