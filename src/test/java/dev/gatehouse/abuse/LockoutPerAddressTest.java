package dev.gatehouse.abuse;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/api.md "Account lockout": failures count per (account, client address), so a stranger locks out only
 * the stranger's address; the account-wide limit (12 here) locks it from everywhere. The test client stands
 * behind a trusted proxy and names its address in the forwarding headers.
 */
@QuarkusTest
@TestProfile(LockoutPerAddressTest.BehindAProxy.class)
class LockoutPerAddressTest {

    static final int ACCOUNT_MAX_FAILURES = 12;

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.http.trusted-proxies", "127.0.0.1/32,::1/128",
                    "gatehouse.lockout.account-max-failures", String.valueOf(ACCOUNT_MAX_FAILURES));
        }
    }

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A login from {@code address}: both forwarding headers name it, so the test holds whichever one the proxy setting believes. */
    private static Response login(String address, String email, String password) {
        String node = address.contains(":") ? "\"[" + address + "]\"" : address;
        return given().header("Forwarded", "for=" + node).header("X-Forwarded-For", address).contentType(ContentType.JSON)
                .body(Map.of("email", email, "password", password)).post("/api/auth/login");
    }

    private static void fail(String address, String email) {
        login(address, email, "wrong password!").then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    private static void succeed(String address, Api.Account account) {
        login(address, account.email(), account.password()).then().statusCode(200);
    }

    private static long locked(String address, String email, String password) {
        Response response = login(address, email, password);
        response.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        return Long.parseLong(response.header("Retry-After"));
    }

    @Test
    void aStrangersFailuresLockOnlyTheStrangersAddress() {
        Api.Account owner = Api.register();
        for (int i = 0; i < 5; i++) {
            fail("203.0.113.7", owner.email());
        }
        long retryAfter = locked("203.0.113.7", owner.email(), owner.password());
        assertTrue(retryAfter > 25 && retryAfter <= 30, "Retry-After " + retryAfter);
        locked("203.0.113.7", owner.email(), "wrong password!");
        // the owner, elsewhere, is not locked out
        succeed("198.51.100.7", owner);
        fail("198.51.100.7", owner.email());
        succeed("198.51.100.7", owner);
    }

    @Test
    void aSuccessResetsOnlyThatAddressesCount() {
        Api.Account owner = Api.register();
        for (int i = 0; i < 4; i++) {
            fail("203.0.113.8", owner.email());
        }
        for (int i = 0; i < 3; i++) {
            fail("198.51.100.8", owner.email());
        }
        succeed("198.51.100.8", owner);
        // the stranger's count went on: the fifth failure locks that address
        fail("203.0.113.8", owner.email());
        locked("203.0.113.8", owner.email(), owner.password());
        // the owner's count started over: three more failures (six in all) do not lock
        for (int i = 0; i < 3; i++) {
            fail("198.51.100.8", owner.email());
        }
        succeed("198.51.100.8", owner); // 11 failures on the account: under its limit of 12
    }

    @Test
    void anIpv6ClientCountsAsItsSlash64() {
        Api.Account owner = Api.register();
        for (int i = 0; i < 3; i++) {
            fail("2001:db8:1:2::1", owner.email());
        }
        fail("2001:db8:1:2:ffff:ffff:ffff:ffff", owner.email());
        fail("2001:db8:1:2::abcd", owner.email());
        locked("2001:db8:1:2::5", owner.email(), owner.password());
        succeed("2001:db8:1:3::1", owner);
    }

    @Test
    void failuresFromManyAddressesLockTheAccountEverywhere() {
        Api.Account owner = Api.register();
        String unknown = Api.uniqueEmail();
        for (int address = 0; address < 3; address++) {
            for (int i = 0; i < 4; i++) { // under max-failures at each address
                fail("192.0.2." + address, owner.email());
                fail("192.0.2." + address, unknown);
            }
        }
        long retryAfter = locked("198.51.100.9", owner.email(), owner.password());
        assertTrue(retryAfter > 895 && retryAfter <= 900, "max-delay: Retry-After " + retryAfter);
        // the same answer for an email nobody registered
        Response known = login("198.51.100.10", owner.email(), owner.password());
        Response missing = login("198.51.100.10", unknown, "whatever password");
        assertEquals(429, missing.statusCode());
        assertEquals(known.asString().replaceAll("\\d+ seconds", "N seconds"),
                missing.asString().replaceAll("\\d+ seconds", "N seconds"));

        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        succeed("198.51.100.9", owner); // a success does not reset the account-wide count
        fail("192.0.2.200", owner.email()); // so one more failure, from anywhere, locks again for max-delay
        retryAfter = locked("198.51.100.9", owner.email(), owner.password());
        assertTrue(retryAfter > 895 && retryAfter <= 900, "renewed: Retry-After " + retryAfter);

        clock.advance(Duration.ofHours(24).plusSeconds(1)); // 24 h without a failure clear all
        succeed("198.51.100.9", owner);
        for (int i = 0; i < 4; i++) {
            fail("192.0.2.201", owner.email());
        }
        succeed("198.51.100.9", owner);
    }

    @Test
    void concurrentFailuresAllCount() throws Exception {
        // from many addresses at once: every failure reaches the account-wide count
        Api.Account owner = Api.register();
        List<Integer> statuses = Parallel.run(ACCOUNT_MAX_FAILURES - 2,
                i -> login("192.0.2." + (10 + i), owner.email(), "wrong password!").statusCode());
        assertTrue(statuses.stream().allMatch(status -> status == 401), statuses.toString());
        fail("192.0.2.100", owner.email());
        succeed("198.51.100.11", owner);
        fail("192.0.2.101", owner.email()); // the limit's failure
        locked("198.51.100.11", owner.email(), owner.password());

        // from one address at once: every failure reaches that address's count
        Api.Account other = Api.register();
        statuses = Parallel.run(5, i -> login("203.0.113.11", other.email(), "wrong password!").statusCode());
        assertTrue(statuses.stream().allMatch(status -> status == 401), statuses.toString());
        locked("203.0.113.11", other.email(), other.password());
        succeed("198.51.100.12", other);
    }

    @Test
    void parallelGuessesFromOneAddressStopAtItsLimit() throws Exception {
        // all at once, so every guess is in flight before any is answered: only max-failures get a verdict
        Api.Account owner = Api.register();
        List<Integer> statuses = Parallel.run(20, i -> login("203.0.113.20", owner.email(), "wrong password!").statusCode());
        assertEquals(Map.of(401, 5L, 429, 15L), tally(statuses));
        locked("203.0.113.20", owner.email(), owner.password());

        // after the lock has run out, one guess, which locks again for twice as long
        clock.advance(Duration.ofSeconds(31));
        statuses = Parallel.run(10, i -> login("203.0.113.20", owner.email(), "wrong password!").statusCode());
        assertEquals(Map.of(401, 1L, 429, 9L), tally(statuses));
        long retryAfter = locked("203.0.113.20", owner.email(), owner.password());
        assertTrue(retryAfter > 55 && retryAfter <= 60, "Retry-After " + retryAfter);
        succeed("198.51.100.20", owner);
    }

    @Test
    void aRunThatStartsOverStillCountsItsParallelGuesses() throws Exception {
        // the row of a run older than 24 h: every guess of a burst starts over from the same old row
        Api.Account owner = Api.register();
        fail("203.0.113.23", owner.email());
        clock.advance(Duration.ofHours(24).plusSeconds(1));
        List<Integer> statuses = Parallel.run(20, i -> login("203.0.113.23", owner.email(), "wrong password!").statusCode());
        assertEquals(Map.of(401, 5L, 429, 15L), tally(statuses));
    }

    @Test
    void parallelGuessesFromManyAddressesStopAtTheAccountLimit() throws Exception {
        Api.Account owner = Api.register();
        List<Integer> statuses = Parallel.run(30,
                i -> login("192.0.2." + (50 + i), owner.email(), "wrong password!").statusCode());
        assertEquals(Map.of(401, (long) ACCOUNT_MAX_FAILURES, 429, 30L - ACCOUNT_MAX_FAILURES), tally(statuses));
        locked("198.51.100.21", owner.email(), owner.password());
    }

    @Test
    void theOwnersRightPasswordInFlightDoesNotCount() throws Exception {
        // the owner's attempts are counted while in flight too, and taken back when they issue tokens
        Api.Account owner = Api.register();
        for (int i = 0; i < 4; i++) {
            fail("198.51.100.22", owner.email());
        }
        List<Integer> statuses = Parallel.run(4, i -> login("198.51.100.22", owner.email(), owner.password()).statusCode());
        assertTrue(statuses.contains(200), statuses.toString());
        assertTrue(statuses.stream().allMatch(status -> status == 200 || status == 429), statuses.toString());
        for (int i = 0; i < 4; i++) {
            fail("198.51.100.22", owner.email());
        }
        succeed("198.51.100.22", owner);
    }

    private static Map<Integer, Long> tally(List<Integer> statuses) {
        return statuses.stream().collect(java.util.stream.Collectors.groupingBy(status -> status, java.util.stream.Collectors.counting()));
    }
}
