package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** docs/api.md "E-mail verification": gatehouse.email-verification.required=true, and the login's order of checks. */
@QuarkusTest
@TestProfile(VerificationRequiredTest.Required.class)
class VerificationRequiredTest {

    public static class Required implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.email-verification.required", "true");
        }
    }

    @Inject
    Db db;

    @Test
    void theRightPasswordOfAnUnverifiedUserIsRefusedAfterThePasswordCheck() {
        Api.Account account = Api.register();
        Api.loginResponse(account.email(), "a wrong password!").then().statusCode(401)
                .body("code", equalTo("invalid_credentials"));
        Api.loginResponse(account.email(), account.password()).then().statusCode(403)
                .body("code", equalTo("email_not_verified"));
        // nothing was counted: five more right passwords are not locked out by the one wrong one before
        for (int i = 0; i < 5; i++) {
            Api.loginResponse(account.email(), account.password()).then().statusCode(403);
        }
        db.update("update users set email_verified = true where id = ?::uuid", account.id());
        Api.loginResponse(account.email(), account.password()).then().statusCode(200);
    }

    @Test
    void suspensionIsCheckedBeforeVerification() {
        Api.Account account = Api.register();
        db.update("update users set status = 'suspended' where id = ?::uuid", account.id());
        Api.loginResponse(account.email(), account.password()).then().statusCode(403)
                .body("code", equalTo("account_suspended"));
    }
}
