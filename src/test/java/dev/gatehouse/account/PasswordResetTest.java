package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Password reset", end to end through the mail that arrives at a real SMTP server. */
@QuarkusTest
class PasswordResetTest {

    static final String NEW_PASSWORD = "a brand new passphrase";

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

    static Response forgot(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email)).post("/api/auth/password/forgot");
    }

    static Response reset(Map<String, ?> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/auth/password/reset");
    }

    @Test
    void aResetByLinkReplacesThePasswordAndEndsEverySession() {
        Api.Account account = Api.register();
        Api.Tokens phone = Api.login(account);
        Api.Tokens laptop = Api.login(account);
        forgot(account.email()).then().statusCode(202);
        String mail = Mails.nth(account.email(), Mails.RESET, 1);
        Mails.code(mail); // exactly one code line
        reset(Map.of("token", Mails.token(mail, Mails.RESET), "newPassword", NEW_PASSWORD)).then().statusCode(204);

        given().auth().oauth2(phone.accessToken()).get("/api/users/me").then().statusCode(401);
        given().auth().oauth2(laptop.accessToken()).get("/api/users/me").then().statusCode(401);
        Api.refreshResponse(phone.refreshToken()).then().statusCode(401);
        Api.loginResponse(account.email(), account.password()).then().statusCode(401);
        Api.Tokens fresh = Api.login(new Api.Account(account.email(), NEW_PASSWORD, account.id()));
        given().auth().oauth2(fresh.accessToken()).get("/api/users/me").then().statusCode(200)
                .body("emailVerified", equalTo(true));
        assertEquals(1, db.count("select count(*) from security_events where user_id = ?::uuid and kind = 'password_reset'", account.id()));
        assertEquals(1, db.count("select count(*) from security_events where user_id = ?::uuid and kind = 'password_reset_requested'", account.id()));
        String notice = Mails.notices(account.email(), 1).get(0);
        assertFalse(notice.contains("gatehouse_ot_") || notice.contains("Code:"), "a notice carries no secret");
    }

    @Test
    void aResetByCodeWorksAndTheLinkOfTheSameMailDiesWithIt() {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String mail = Mails.nth(account.email(), Mails.RESET, 1);
        reset(Map.of("email", account.email(), "code", Mails.code(mail), "newPassword", NEW_PASSWORD)).then().statusCode(204);
        reset(Map.of("token", Mails.token(mail, Mails.RESET), "newPassword", "yet another passphrase"))
                .then().statusCode(400).body("code", equalTo("invalid_code"));
        reset(Map.of("email", account.email(), "code", Mails.code(mail), "newPassword", "yet another passphrase"))
                .then().statusCode(400).body("code", equalTo("invalid_code"));
    }

    @Test
    void aNewPasswordThatBreaksTheRulesUsesNothingUp() {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String token = Mails.token(Mails.nth(account.email(), Mails.RESET, 1), Mails.RESET);
        reset(Map.of("token", token, "newPassword", "short")).then().statusCode(400).body("code", equalTo("validation_failed"));
        reset(Map.of("token", token)).then().statusCode(400).body("code", equalTo("validation_failed"));
        reset(Map.of("token", token, "newPassword", NEW_PASSWORD)).then().statusCode(204);
    }

    @Test
    void unknownAndSuspendedAddressesGetTheSameAnswerAndNoMail() throws Exception {
        Api.Account suspended = Api.register();
        db.update("update users set status = 'suspended' where id = ?::uuid", suspended.id());
        String unknown = Api.uniqueEmail();
        forgot(unknown).then().statusCode(202);
        forgot(suspended.email()).then().statusCode(202);
        afterAnswer.awaitIdle(); // the look-up runs after the answer
        // the outbox is written in the request's transaction: nothing there now means nothing will be sent
        assertEquals(0, db.count("select count(*) from mail_outbox where recipient in (?, ?) and kind = 'reset_password'",
                unknown, suspended.email()));
        assertEquals(0, db.count("select count(*) from one_time_secrets where user_id = ?::uuid and purpose = 'reset_password'",
                suspended.id()));
        assertTrue(Mails.withAction(unknown, Mails.RESET).isEmpty());
    }

    @Test
    void aDeletedAddressGetsTheSameAnswerAndNoMail() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        given().auth().oauth2(tokens.accessToken()).contentType(ContentType.JSON).body(Map.of("password", account.password()))
                .delete("/api/users/me").then().statusCode(204);
        forgot(account.email()).then().statusCode(202);
        afterAnswer.awaitIdle();
        assertEquals(0, db.count("select count(*) from mail_outbox where recipient = ? and kind = 'reset_password'", account.email()));
        assertEquals(0, db.count("select count(*) from one_time_secrets where user_id = ?::uuid", account.id()));
    }

    @Test
    void aResetAskedForWhileTheSmtpServerIsDownArrivesOnceItIsBack() throws Exception {
        Api.Account account = Api.register();
        Mails.nth(account.email(), Mails.VERIFY, 1); // the registration's mail is out of the way
        TestSmtp.stop();
        try {
            forgot(account.email()).then().statusCode(202); // the answer does not wait for SMTP
            afterAnswer.awaitIdle();
            // tried and kept: nothing sent, nothing lost
            Poll.until("a failed attempt", Duration.ofSeconds(15), () -> db.count(
                    "select count(*) from mail_outbox where recipient = ? and kind = 'reset_password' and attempts > 0",
                    account.email()) == 1);
            assertTrue(Mails.withAction(account.email(), Mails.RESET).isEmpty());
        } finally {
            TestSmtp.start();
        }
        String mail = Mails.nth(account.email(), Mails.RESET, 1);
        reset(Map.of("token", Mails.token(mail, Mails.RESET), "newPassword", NEW_PASSWORD)).then().statusCode(204);
        Poll.until("the outbox row is gone", Duration.ofSeconds(15), () -> db.count(
                "select count(*) from mail_outbox where recipient = ? and kind = 'reset_password'", account.email()) == 0);
        assertEquals(1, Mails.withAction(account.email(), Mails.RESET).size(), "sent once");
    }

    @Test
    void unknownTokensCodesAndHostileInputAreRefused() {
        Api.Account account = Api.register();
        reset(Map.of("token", "gatehouse_ot_" + "A".repeat(43), "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        reset(Map.of("token", "x".repeat(5000), "newPassword", NEW_PASSWORD)).then().statusCode(400);
        reset(Map.of("email", account.email(), "code", "12345a", "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        reset(Map.of("email", Api.uniqueEmail(), "code", "123456", "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        reset(Map.of("email", account.email(), "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("[1]").post("/api/auth/password/reset").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("token", 5, "newPassword", NEW_PASSWORD))
                .post("/api/auth/password/reset").then().statusCode(400);
        forgot("not an email").then().statusCode(400).body("code", equalTo("validation_failed"));
        given().contentType(ContentType.JSON).body("{}").post("/api/auth/password/forgot").then().statusCode(400)
                .body("code", equalTo("validation_failed"));
    }

    @Test
    void aNewerMailSupersedesTheOlderAndTheLinkExpires() {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String first = Mails.nth(account.email(), Mails.RESET, 1);
        forgot(account.email()).then().statusCode(202);
        String second = Mails.nth(account.email(), Mails.RESET, 2);
        reset(Map.of("token", Mails.token(first, Mails.RESET), "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        clock.advance(Duration.ofMinutes(16)); // gatehouse.password-reset.ttl is 15 min
        reset(Map.of("token", Mails.token(second, Mails.RESET), "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        reset(Map.of("email", account.email(), "code", Mails.code(second), "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
    }

    @Test
    void atMostThreeMailsAnHour() throws Exception {
        Api.Account account = Api.register();
        for (int i = 0; i < 5; i++) {
            forgot(account.email()).then().statusCode(202);
        }
        afterAnswer.awaitIdle();
        assertEquals(3, db.count("select count(*) from one_time_secrets where user_id = ?::uuid and purpose = 'reset_password'", account.id()));
        awaitMailOfNewestSecret(account); // the older ones' mails are dropped unsent if they were superseded before sending
        clock.advance(Duration.ofMinutes(61));
        forgot(account.email()).then().statusCode(202);
        afterAnswer.awaitIdle();
        assertEquals(4, db.count("select count(*) from one_time_secrets where user_id = ?::uuid and purpose = 'reset_password'", account.id()));
        awaitMailOfNewestSecret(account);
    }

    private void awaitMailOfNewestSecret(Api.Account account) {
        Poll.until("the newest secret's mail", Duration.ofSeconds(15), () -> Mails.withAction(account.email(), Mails.RESET)
                .stream().anyMatch(text -> db.count("""
                        select count(*) from one_time_secrets where user_id = ?::uuid and token_hash = sha256(convert_to(?, 'UTF8'))
                           and created_at = (select max(created_at) from one_time_secrets where user_id = ?::uuid)""",
                        account.id(), Mails.token(text, Mails.RESET), account.id()) == 1));
    }

    @Test
    void ofParallelResetsWithOneCodeExactlyOneWins() throws Exception {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String code = Mails.code(Mails.nth(account.email(), Mails.RESET, 1));
        List<Integer> statuses = Parallel.run(8, i -> reset(Map.of("email", account.email(), "code", code,
                "newPassword", NEW_PASSWORD + " " + i)).statusCode());
        assertEquals(1, Collections.frequency(statuses, 204), statuses.toString());
        assertEquals(7, Collections.frequency(statuses, 400), statuses.toString());
    }

    @Test
    void theSixthCodeTryIsRefusedEvenWhenRightWhileTheLinkStillWorks() throws Exception {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String mail = Mails.nth(account.email(), Mails.RESET, 1);
        String right = Mails.code(mail);
        String wrong = right.equals("000000") ? "000001" : "000000";
        // 20 parallel wrong guesses: each is counted before it is compared, so at most six are compared
        List<Integer> statuses = Parallel.run(20, i -> reset(Map.of("email", account.email(), "code", wrong,
                "newPassword", NEW_PASSWORD)).statusCode());
        assertEquals(List.of(20), List.of(Collections.frequency(statuses, 400)));
        reset(Map.of("email", account.email(), "code", right, "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
        reset(Map.of("token", Mails.token(mail, Mails.RESET), "newPassword", NEW_PASSWORD)).then().statusCode(204);
    }

    @Test
    void fiveWrongCodesLeaveTheRightOneUsableButASixthBurnsIt() {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String right = Mails.code(Mails.nth(account.email(), Mails.RESET, 1));
        String wrong = right.equals("000000") ? "000001" : "000000";
        for (int i = 0; i < 5; i++) {
            reset(Map.of("email", account.email(), "code", wrong, "newPassword", NEW_PASSWORD)).then().statusCode(400);
        }
        reset(Map.of("email", account.email(), "code", right, "newPassword", NEW_PASSWORD)).then().statusCode(204);

        Api.Account other = Api.register();
        forgot(other.email()).then().statusCode(202);
        String otherRight = Mails.code(Mails.nth(other.email(), Mails.RESET, 1));
        String otherWrong = otherRight.equals("000000") ? "000001" : "000000";
        for (int i = 0; i < 6; i++) {
            reset(Map.of("email", other.email(), "code", otherWrong, "newPassword", NEW_PASSWORD)).then().statusCode(400);
        }
        reset(Map.of("email", other.email(), "code", otherRight, "newPassword", NEW_PASSWORD)).then().statusCode(400)
                .body("code", equalTo("invalid_code"));
    }

    @Test
    void aResetClearsTheLockout() {
        Api.Account account = Api.register();
        for (int i = 0; i < 5; i++) {
            Api.loginResponse(account.email(), "wrong password " + i).then().statusCode(401);
        }
        Api.loginResponse(account.email(), account.password()).then().statusCode(429);
        forgot(account.email()).then().statusCode(202);
        reset(Map.of("token", Mails.token(Mails.nth(account.email(), Mails.RESET, 1), Mails.RESET), "newPassword", NEW_PASSWORD))
                .then().statusCode(204);
        Api.loginResponse(account.email(), NEW_PASSWORD).then().statusCode(200);
    }

    @Test
    void theDatabaseHoldsNoUsableTokenOrCode() {
        Api.Account account = Api.register();
        forgot(account.email()).then().statusCode(202);
        String mail = Mails.nth(account.email(), Mails.RESET, 1);
        String token = Mails.token(mail, Mails.RESET);
        String code = Mails.code(mail);
        forgot(account.email()).then().statusCode(202); // one pending in the outbox or just sent, one in the table
        for (Object table : db.column("select tablename::text from pg_tables where schemaname = 'public'")) {
            for (Object row : db.column("select t::text from " + table + " t")) {
                String text = String.valueOf(row);
                assertFalse(text.contains(token) || text.contains(token.substring("gatehouse_ot_".length())),
                        "the token is stored in " + table);
                assertFalse(text.contains("Code: " + code) || (table.equals("one_time_secrets") && text.contains(code)),
                        "the code is stored in " + table);
            }
        }
    }

    @Test
    void aForgotAnswersInAboutTheSameTimeForKnownAndUnknownAddresses() {
        List<Api.Account> accounts = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            accounts.add(Api.register()); // a fresh account for each sample: the hourly cap never applies
        }
        // their verification mails are out of the way before the clock starts
        Poll.until("the outbox is empty", Duration.ofSeconds(30), () -> db.count("select count(*) from mail_outbox") == 0);
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        java.util.Random order = new java.util.Random(42);
        for (Api.Account account : accounts) {
            String stranger = Api.uniqueEmail();
            // in a random order per pair: the mail that a known address's answer queues is sent meanwhile, and
            // would slow whichever request comes next
            boolean knownFirst = order.nextBoolean();
            for (int turn = 0; turn < 2; turn++) {
                boolean isKnown = (turn == 0) == knownFirst;
                long start = System.nanoTime();
                forgot(isKnown ? account.email() : stranger).then().statusCode(202);
                (isKnown ? known : unknown).add(System.nanoTime() - start);
            }
        }
        Collections.sort(known);
        Collections.sort(unknown);
        double knownMs = known.get(20) / 1e6;
        double unknownMs = unknown.get(20) / 1e6;
        // the mail is queued, never sent inline: a known address costs a few inserts more, not an SMTP round trip
        assertTrue(Math.abs(knownMs - unknownMs) < 10, "median " + knownMs + " ms known vs " + unknownMs + " ms unknown");
    }
}
