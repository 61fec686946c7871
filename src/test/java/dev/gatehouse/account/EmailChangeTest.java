package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "E-mail change", through the mails that arrive at a real SMTP server. */
@QuarkusTest
class EmailChangeTest {

    @Inject
    Db db;

    static Response change(String accessToken, String newEmail, String password) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON)
                .body(Map.of("newEmail", newEmail, "currentPassword", password)).post("/api/auth/email");
    }

    static Response confirm(String accessToken, Map<String, ?> body) {
        var request = given().contentType(ContentType.JSON).body(body);
        return (accessToken == null ? request : request.auth().oauth2(accessToken)).post("/api/auth/email/confirm");
    }

    @Test
    void theLinkSwitchesTheAddressAndTheOldTokensStopWhileTheSessionStays() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        String newEmail = Api.uniqueEmail();
        change(tokens.accessToken(), newEmail, account.password()).then().statusCode(202);
        String mail = Mails.nth(newEmail, Mails.CHANGE, 1);
        assertTrue(Mails.notices(account.email(), 1).get(0).contains(newEmail), "the old address hears of the request");
        Api.loginResponse(newEmail, account.password()).then().statusCode(401); // nothing changed yet

        confirm(null, Map.of("token", Mails.token(mail, Mails.CHANGE))).then().statusCode(204);
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me").then().statusCode(401);
        Api.Tokens refreshed = Api.refresh(tokens.refreshToken());
        given().auth().oauth2(refreshed.accessToken()).get("/api/users/me").then().statusCode(200)
                .body("email", equalTo(newEmail)).body("emailVerified", equalTo(true));
        Api.loginResponse(account.email(), account.password()).then().statusCode(401);
        Api.loginResponse(newEmail, account.password()).then().statusCode(200);
        Mails.notices(account.email(), 2);
        assertEquals(1, db.count("select count(*) from security_events where user_id = ?::uuid and kind = 'email_changed'", account.id()));
        // the old address is free again
        given().contentType(ContentType.JSON).body(Map.of("email", account.email(), "password", Api.PASSWORD))
                .post("/api/auth/register").then().statusCode(201);
    }

    @Test
    void theCodeNeedsTheSignedInUser() {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        String newEmail = Api.uniqueEmail();
        change(tokens.accessToken(), newEmail, account.password()).then().statusCode(202);
        String code = Mails.code(Mails.nth(newEmail, Mails.CHANGE, 1));
        confirm(null, Map.of("code", code)).then().statusCode(401).body("code", equalTo("invalid_token"));
        Api.Tokens stranger = Api.login(Api.register());
        confirm(stranger.accessToken(), Map.of("code", code)).then().statusCode(400).body("code", equalTo("invalid_code"));
        confirm(tokens.accessToken(), Map.of("code", code)).then().statusCode(204);
        Api.loginResponse(newEmail, account.password()).then().statusCode(200);
    }

    @Test
    void aWrongPasswordOrATakenAddressChangesNothing() {
        Api.Account account = Api.register();
        Api.Account other = Api.register();
        Api.Tokens tokens = Api.login(account);
        change(tokens.accessToken(), Api.uniqueEmail(), "not my password").then().statusCode(400)
                .body("code", equalTo("invalid_current_password"));
        change(tokens.accessToken(), other.email(), account.password()).then().statusCode(409).body("code", equalTo("email_taken"));
        change(tokens.accessToken(), other.email().toUpperCase(), account.password()).then().statusCode(409);
        change(tokens.accessToken(), account.email(), account.password()).then().statusCode(409);
        change(tokens.accessToken(), "no spaces allowed@example.com", account.password()).then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body(Map.of("newEmail", Api.uniqueEmail(), "currentPassword", account.password()))
                .post("/api/auth/email").then().statusCode(401);
        assertEquals(0, db.count("select count(*) from one_time_secrets where user_id = ?::uuid and purpose = 'confirm_email_change'",
                account.id()));
    }

    @Test
    void anAddressTakenBeforeTheConfirmationIsRefusedThere() {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        String newEmail = Api.uniqueEmail();
        change(tokens.accessToken(), newEmail, account.password()).then().statusCode(202);
        String token = Mails.token(Mails.nth(newEmail, Mails.CHANGE, 1), Mails.CHANGE);
        given().contentType(ContentType.JSON).body(Map.of("email", newEmail, "password", Api.PASSWORD))
                .post("/api/auth/register").then().statusCode(201);
        confirm(null, Map.of("token", token)).then().statusCode(409).body("code", equalTo("email_taken"));
        Api.loginResponse(account.email(), account.password()).then().statusCode(200);
    }

    @Test
    void aStampChangeKillsAPendingChange() {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        String newEmail = Api.uniqueEmail();
        change(tokens.accessToken(), newEmail, account.password()).then().statusCode(202);
        String token = Mails.token(Mails.nth(newEmail, Mails.CHANGE, 1), Mails.CHANGE);
        given().auth().oauth2(tokens.accessToken()).post("/api/auth/logout-all").then().statusCode(204);
        confirm(null, Map.of("token", token)).then().statusCode(400).body("code", equalTo("invalid_code"));
    }
}
