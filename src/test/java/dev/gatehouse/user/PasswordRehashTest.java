package dev.gatehouse.user;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/threat-model.md "Password hashing": raised Argon2id parameters are applied on the next successful login. */
@QuarkusTest
class PasswordRehashTest {

    @Inject
    Db db;

    @Test
    void aHashWithOldParametersIsReplacedOnLogin() {
        Api.Account account = Api.register();
        UUID id = UUID.fromString(account.id());
        db.update("update users set password_hash = ? where id = ?", new Passwords(8192, 1, 1).hash(account.password()), id);

        Api.loginResponse(account.email(), "not the password").then().statusCode(401);
        assertTrue(((String) db.single("select password_hash from users where id = ?", id)).contains("$m=8192,t=1,p=1$"),
                "a failed login changes nothing");

        Api.login(account);
        assertTrue(((String) db.single("select password_hash from users where id = ?", id)).contains("$m=19456,t=2,p=1$"));
        Api.login(account);
    }

    @Test
    void theRightPasswordOfASuspendedUserIsForbidden() {
        Api.Account account = Api.register();
        db.update("update users set status = 'suspended' where id = ?", UUID.fromString(account.id()));
        Api.loginResponse(account.email(), account.password()).then().statusCode(403)
                .contentType("application/problem+json")
                .body("code", org.hamcrest.Matchers.equalTo("account_suspended"));
        // a wrong password learns nothing about the suspension
        Api.loginResponse(account.email(), "not the password").then().statusCode(401);
    }
}
