package dev.gatehouse.auth;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "POST /api/auth/logout-all" and "POST /api/auth/password". */
@QuarkusTest
class AccountSecurityTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private static Response changePassword(String accessToken, String currentPassword) {
        return given().auth().oauth2(accessToken).contentType("application/json")
                .body(Map.of("currentPassword", currentPassword, "newPassword", "a brand new password"))
                .post("/api/auth/password");
    }

    @Test
    void logoutAllEndsEverySessionAndEveryAccessToken() {
        Api.Account account = register();
        Tokens a = login(account);
        Tokens b = login(account);
        Tokens other = login(register());
        String stamp = (String) db.single("select security_stamp from users where id = ?", UUID.fromString(account.id()));

        given().auth().oauth2(a.accessToken()).post("/api/auth/logout-all").then().statusCode(204);

        me(a.accessToken()).then().statusCode(401);
        me(b.accessToken()).then().statusCode(401);
        Api.refreshResponse(a.refreshToken()).then().statusCode(401);
        Api.refreshResponse(b.refreshToken()).then().statusCode(401);
        me(other.accessToken()).then().statusCode(200);
        assertNotEquals(stamp, db.single("select security_stamp from users where id = ?", UUID.fromString(account.id())));
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ? and kind = 'logout_all'",
                UUID.fromString(account.id())));
        // a new login works
        me(login(account).accessToken()).then().statusCode(200);
        given().post("/api/auth/logout-all").then().statusCode(401);
    }

    @Test
    void aPasswordChangeKeepsTheCurrentSessionAndEndsTheOthers() {
        Api.Account account = register();
        Tokens current = login(account);
        Tokens other = login(account);

        given().auth().oauth2(current.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", account.password(), "newPassword", "a brand new password"))
                .post("/api/auth/password").then().statusCode(204);

        // the calling access token carries the old stamp: refused
        me(current.accessToken()).then().statusCode(401);
        // the current session's refresh token keeps working and yields a working access token
        Tokens renewed = Api.refresh(current.refreshToken());
        me(renewed.accessToken()).then().statusCode(200);
        // every other session is gone
        me(other.accessToken()).then().statusCode(401);
        Api.refreshResponse(other.refreshToken()).then().statusCode(401);
        // only the new password logs in
        Api.loginResponse(account.email(), account.password()).then().statusCode(401);
        Api.loginResponse(account.email(), "a brand new password").then().statusCode(200);
        given().auth().oauth2(renewed.accessToken()).get("/api/admin/users/" + account.id() + "/events").then().statusCode(403);
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ? and kind = 'password_changed'",
                UUID.fromString(account.id())));
    }

    @Test
    void aWrongCurrentPasswordOrAWeakNewOneIsRefusedAndChangesNothing() {
        Api.Account account = register();
        Tokens tokens = login(account);
        given().auth().oauth2(tokens.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", "not my password", "newPassword", "a brand new password"))
                .post("/api/auth/password").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_current_password"));
        given().auth().oauth2(tokens.accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", account.password(), "newPassword", "short"))
                .post("/api/auth/password").then().statusCode(400).body("code", equalTo("validation_failed"))
                .body("errors.field", hasItem("newPassword"));
        given().auth().oauth2(tokens.accessToken()).contentType("application/json").body("{}")
                .post("/api/auth/password").then().statusCode(400).body("code", equalTo("validation_failed"));
        me(tokens.accessToken()).then().statusCode(200);
        Api.loginResponse(account.email(), account.password()).then().statusCode(200);
        given().contentType("application/json")
                .body(Map.of("currentPassword", account.password(), "newPassword", "a brand new password"))
                .post("/api/auth/password").then().statusCode(401);
    }

    @Test
    void wrongCurrentPasswordsCountForTheLockoutAndThenEvenTheRightOneGets429() {
        Api.Account account = register();
        Tokens tokens = login(account);
        for (int i = 0; i < 5; i++) {
            changePassword(tokens.accessToken(), "not my password").then().statusCode(400)
                    .body("code", equalTo("invalid_current_password"));
        }
        // docs/api.md "Account lockout": the lock is checked before the password, and it is the login's lock too
        Response locked = changePassword(tokens.accessToken(), account.password());
        locked.then().statusCode(429).contentType("application/problem+json").body("code", equalTo("rate_limited"));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        assertTrue(retryAfter > 25 && retryAfter <= 30, "Retry-After " + retryAfter);
        Api.loginResponse(account.email(), account.password()).then().statusCode(429);
        me(tokens.accessToken()).then().statusCode(200); // nothing was changed

        clock.advance(Duration.ofSeconds(31));
        changePassword(tokens.accessToken(), account.password()).then().statusCode(204);
        Api.loginResponse(account.email(), "a brand new password").then().statusCode(200);
    }
}
