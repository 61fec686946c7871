package dev.gatehouse.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestSmtp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What docs/api.md "Account deletion" promises about the database after a deletion, read with SQL, table by table. */
final class DeletedAccountCheck {

    private DeletedAccountCheck() {
    }

    /** SHA-256 of the normalized email: the lockout tables' key for the account. */
    static byte[] emailHash(String email) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Nothing of the user is left but its {@code account_deleted} event with {@code details}, and lockout counts no
     * higher than {@code failuresSince} (attempts on the address after the deletion, which count like those on
     * any unknown email). The outbox: {@link #onlyTheNoticeGoesOut}.
     */
    static void nothingLeft(Db db, String userId, String email, Collection<String> sessionIds, Map<String, ?> details,
                            long failuresSince) throws Exception {
        UUID id = UUID.fromString(userId);
        assertEquals(0, db.count("select count(*) from users where id = ?", id), "users");
        assertEquals(0, db.count("select count(*) from users where lower(email) = lower(?)", email), "users by email");
        assertEquals(0, db.count("select count(*) from sessions where user_id = ?", id), "sessions");
        for (String sessionId : sessionIds) {
            UUID sid = UUID.fromString(sessionId);
            assertEquals(0, db.count("select count(*) from sessions where id = ?", sid), "session " + sessionId);
            assertEquals(0, db.count("select count(*) from refresh_tokens where session_id = ?", sid), "refresh_tokens");
        }
        assertEquals(1, db.count("select count(*) from security_events where user_id = ?", id), "security_events");
        assertEquals("account_deleted", db.single("select kind from security_events where user_id = ?", id));
        assertEquals(0, db.count("select count(*) from security_events where user_id = ? and session_id is not null", id));
        JsonNode stored = new ObjectMapper().readTree((String) db.single(
                "select details::text from security_events where user_id = ?", id));
        assertEquals(new ObjectMapper().valueToTree(details), stored, "account_deleted details");
        byte[] hash = emailHash(email);
        assertTrue(db.count("select coalesce(sum(failures), 0) from address_failure_counts where email_hash = ?", hash)
                <= failuresSince, "address_failure_counts");
        assertTrue(db.count("select coalesce(sum(failures), 0) from account_failure_counts where email_hash = ?", hash)
                <= failuresSince, "account_failure_counts");
    }

    /**
     * No mail of the user is left in the outbox ({@code mail_outbox}), nothing but the deletion notice waits for
     * the old address, and that notice reaches it exactly once: the sender deletes a row once the SMTP server has
     * taken it, so the notice is looked for in the outbox and at the test's SMTP server. Call it before anything
     * mails the address again (a new registration of it).
     */
    static void onlyTheNoticeGoesOut(Db db, String userId, String email) {
        assertEquals(0, db.count("select count(*) from mail_outbox where user_id = ?", UUID.fromString(userId)),
                "queued mails of the deleted user");
        assertEquals(0, db.count("select count(*) from mail_outbox where recipient = ?"
                + " and not (kind = 'notice' and notice = 'ACCOUNT_DELETED' and user_id is null)", email),
                "mails other than the deletion notice to the old address");
        TestSmtp.awaitMessage(email, DeletedAccountCheck::isTheNotice, Duration.ofSeconds(10));
        assertEquals(1, TestSmtp.receivedBy(email).stream().filter(DeletedAccountCheck::isTheNotice).count(),
                "deletion notices received");
        // the row goes once the server has taken the mail, a moment after it arrived there
        poll(() -> db.count("select count(*) from mail_outbox where recipient = ?", email) == 0, 5_000,
                "the sent notice is still in the outbox");
    }

    private static boolean isTheNotice(TestSmtp.Received mail) {
        return mail.subject().equals("Your account was deleted");
    }

    /** Polls until the access token is refused: docs/api.md "Account deletion" gives it 1 s on every instance. */
    static void refusedWithinASecond(String accessToken) {
        poll(() -> given().auth().oauth2(accessToken).get("/api/users/me").statusCode() == 401, 1000,
                "an access token of the deleted user still works after 1 s");
    }

    static void poll(BooleanSupplier condition, long millis, String message) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.onSpinWait();
        }
    }
}
