package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "E-mail verification", through the mails that arrive at a real SMTP server. */
@QuarkusTest
class EmailVerificationTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;
    @Inject
    AfterAnswer afterAnswer;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static Response verify(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/auth/email/verify");
    }

    static Response request(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/api/auth/email/verification");
    }

    @Test
    void registrationSendsAMailWhoseLinkVerifiesOnce() {
        Api.Account account = Api.register();
        TestSmtp.Received mail = TestSmtp.awaitMessage(account.email(), m -> m.text().contains(Mails.VERIFY), Duration.ofSeconds(15));
        assertTrue(mail.contentType().toLowerCase().contains("text/plain") && mail.contentType().toLowerCase().contains("utf-8"),
                mail.contentType());
        String token = Mails.token(mail.text(), Mails.VERIFY);
        String code = Mails.code(mail.text());
        Api.Tokens tokens = Api.login(account);
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me").then().body("emailVerified", equalTo(false));

        verify(Map.of("token", token)).then().statusCode(204);
        given().auth().oauth2(tokens.accessToken()).get("/api/users/me").then().statusCode(200).body("emailVerified", equalTo(true));
        verify(Map.of("token", token)).then().statusCode(400).body("code", equalTo("invalid_code"));
        verify(Map.of("email", account.email(), "code", code)).then().statusCode(400).body("code", equalTo("invalid_code"));
        assertEquals(1, db.count("select count(*) from security_events where user_id = ?::uuid and kind = 'email_verified'", account.id()));
    }

    @Test
    void aCodeVerifiesAndANewMailKillsTheOlder() throws Exception {
        Api.Account account = Api.register();
        String first = Mails.nth(account.email(), Mails.VERIFY, 1);
        Api.Tokens tokens = Api.login(account);
        // signed in: no body
        given().auth().oauth2(tokens.accessToken()).post("/api/auth/email/verification").then().statusCode(202);
        String second = Mails.nth(account.email(), Mails.VERIFY, 2);
        verify(Map.of("email", account.email(), "code", Mails.code(first))).then().statusCode(400);
        verify(Map.of("token", Mails.token(first, Mails.VERIFY))).then().statusCode(400).body("code", equalTo("invalid_code"));
        verify(Map.of("email", account.email(), "code", Mails.code(second))).then().statusCode(204);
        // verified: the same 202, and no mail
        request(account.email()).then().statusCode(202);
        afterAnswer.awaitIdle();
        assertEquals(2, db.count("select count(*) from one_time_secrets where user_id = ?::uuid", account.id()));
    }

    @Test
    void unknownAddressesAndExpiredCodesGetTheSameAnswers() throws Exception {
        String unknown = Api.uniqueEmail();
        request(unknown).then().statusCode(202);
        afterAnswer.awaitIdle(); // the look-up runs after the answer
        assertEquals(0, db.count("select count(*) from mail_outbox where recipient = ?", unknown));
        verify(Map.of("email", unknown, "code", "123456")).then().statusCode(400).body("code", equalTo("invalid_code"));

        Api.Account account = Api.register();
        String mail = Mails.nth(account.email(), Mails.VERIFY, 1);
        clock.advance(Duration.ofHours(25)); // gatehouse.email-verification.ttl is 24 h
        verify(Map.of("token", Mails.token(mail, Mails.VERIFY))).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void threeMailsAnHourCountingTheRegistrations() throws Exception {
        Api.Account account = Api.register();
        for (int i = 0; i < 4; i++) {
            request(account.email()).then().statusCode(202);
        }
        afterAnswer.awaitIdle();
        assertEquals(3, db.count("select count(*) from one_time_secrets where user_id = ?::uuid", account.id()));
    }

    @Test
    void aStampChangeKillsThePendingMail() {
        Api.Account account = Api.register();
        String mail = Mails.nth(account.email(), Mails.VERIFY, 1);
        Api.Tokens tokens = Api.login(account);
        given().auth().oauth2(tokens.accessToken()).post("/api/auth/logout-all").then().statusCode(204);
        verify(Map.of("token", Mails.token(mail, Mails.VERIFY))).then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void requestsWithoutAddressOrWithABadTokenAreRefused() {
        given().contentType(ContentType.JSON).body("{}").post("/api/auth/email/verification").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        given().post("/api/auth/email/verification").then().statusCode(400);
        given().auth().oauth2("not.a.token").post("/api/auth/email/verification").then().statusCode(401)
                .body("code", equalTo("invalid_token"));
        verify(Map.of()).then().statusCode(400).body("code", equalTo("validation_failed"));
        verify(Map.of("token", "gatehouse_ot_\u0000")).then().statusCode(400);
        verify(Map.of("email", "a@b.example", "code", "1".repeat(40))).then().statusCode(400);
    }
}
