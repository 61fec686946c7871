package dev.gatehouse.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Db;
import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
     * any unknown email). The outbox is checked last, see {@link #onlyTheNoticeIsQueued}.
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
     * Whether the outbox holds, for the old address, only the deletion notice (no other mail to it, pending or
     * not); asserts it when the {@code mail_outbox} table exists. It arrives with the mail package's
     * implementation: until then this returns false, and the test ends with {@link #noticeWasChecked}, which
     * reports the check as skipped. Call it before anything queues a new mail to the address (a new
     * registration of it).
     */
    static boolean onlyTheNoticeIsQueued(Db db, String email) {
        if (db.count("select count(*) from information_schema.tables where table_name = 'mail_outbox'") == 0) {
            return false;
        }
        assertEquals(1, db.count("select count(*) from mail_outbox where recipient = ?", email), "mails to the old address");
        assertEquals(1, db.count("select count(*) from mail_outbox where recipient = ? and kind = 'notice'"
                + " and notice = 'ACCOUNT_DELETED'", email), "the deletion notice");
        return true;
    }

    /** Last in a test: skipped (with the reason) if the outbox could not be checked. */
    static void noticeWasChecked(boolean checked) {
        Assumptions.assumeTrue(checked, "table mail_outbox is not in the schema yet: the deletion notice was not checked");
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
