package dev.gatehouse.passkey;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static dev.gatehouse.passkey.Ceremonies.signIn;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/passkeys.md "Signing in": a passkey session is a session like a password's (the session cap applies), and
 * the password lockout does not keep a passkey out.
 */
@QuarkusTest
class PasskeySessionsTest {

    @Inject
    Db db;

    @Test
    void aLockedOutPasswordDoesNotStopThePasskey() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        for (int i = 0; i < 5; i++) {
            Api.loginResponse(user.account().email(), "wrong password!").then().statusCode(401);
        }
        Api.loginResponse(user.account().email(), user.account().password()).then().statusCode(429)
                .body("code", equalTo("rate_limited"));
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
    }

    @Test
    void passkeySessionsCountAgainstTheSessionCap() {
        Ceremonies.SignedIn user = verifiedUser(db); // one password session
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        String last = null;
        for (int i = 0; i < 50; i++) {
            last = signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200).extract().path("sessionId");
        }
        assertEquals(50L, db.count("select count(*) from sessions where user_id = ? and revoked_at is null", user.userId()));
        assertEquals(1L, db.count("select count(*) from sessions where user_id = ? and revoke_reason = 'session_limit'",
                user.userId()));
        // the password session was the least recently used: it went, the newest passkey session stays
        Api.refreshResponse(user.tokens().refreshToken()).then().statusCode(401);
        assertEquals(null, db.single("select revoked_at from sessions where id = ?::uuid", last));
    }
}
