package dev.gatehouse.account;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Account;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.OnlyAdmin;
import dev.gatehouse.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.account.DeletedAccountCheck.emailHash;
import static dev.gatehouse.account.DeletedAccountCheck.nothingLeft;
import static dev.gatehouse.account.DeletedAccountCheck.onlyTheNoticeGoesOut;
import static dev.gatehouse.account.DeletedAccountCheck.refusedWithinASecond;
import static dev.gatehouse.support.Api.PASSWORD;
import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "DELETE /api/users/me", "DELETE /api/admin/users/{id}" and "Account deletion". */
@QuarkusTest
class AccountDeletionTest {

    @Inject
    Db db;

    private Tokens admin;
    private String adminId;

    @BeforeEach
    void signInAsAdmin() {
        Account account = register();
        db.makeAdmin(account.id());
        admin = login(account);
        adminId = account.id();
    }

    private RequestSpecification asAdmin() {
        return given().auth().oauth2(admin.accessToken());
    }

    static Response deleteMe(String accessToken, Object body) {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(body).delete("/api/users/me");
    }

    @Test
    void deletingTheOwnAccountRemovesItsDataAndKeepsOnlyTheDeletionEvent() throws Exception {
        Account account = register();
        Tokens first = login(account);
        Tokens second = login(account);
        Tokens rotated = Api.refresh(second.refreshToken());
        Tokens third = login(account);
        given().auth().oauth2(first.accessToken()).delete("/api/auth/sessions/" + third.sessionId()).then().statusCode(204);
        Api.loginResponse(account.email(), "not the password").then().statusCode(401);
        UUID id = UUID.fromString(account.id());
        // what the deletion has to remove is there: events, and lockout rows found by the account's email hash
        assertTrue(db.count("select count(*) from security_events where user_id = ?", id) > 0);
        assertEquals(1, db.count("select count(*) from address_failure_counts where email_hash = ?", emailHash(account.email())));
        assertEquals(1, db.count("select count(*) from account_failure_counts where email_hash = ?", emailHash(account.email())));
        // a mail of the user still waiting to be sent (due in an hour: the sender leaves it alone until then)
        db.update("insert into mail_outbox (id, kind, recipient, user_id, notice, created_at, next_attempt_at)"
                + " values (gen_random_uuid(), 'notice', ?, ?, 'PASSWORD_CHANGED', now(), now() + interval '1 hour')",
                account.email(), id);

        deleteMe(first.accessToken(), Map.of("password", PASSWORD)).then().statusCode(204);

        refusedWithinASecond(first.accessToken());
        refusedWithinASecond(rotated.accessToken());
        me(first.accessToken()).then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer error=\"invalid_token\""));
        Api.refreshResponse(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        Api.refreshResponse(rotated.refreshToken()).then().statusCode(401);
        Api.refreshResponse(second.refreshToken()).then().statusCode(401);
        nothingLeft(db, account.id(), account.email(), List.of(first.sessionId(), second.sessionId(), third.sessionId()),
                Map.of("by", "user"), 0);
        Api.loginResponse(account.email(), PASSWORD).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        onlyTheNoticeGoesOut(db, account.id(), account.email());

        // the one thing that answers for a deleted id
        asAdmin().get("/api/admin/users/" + account.id() + "/events").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].kind", equalTo("account_deleted"))
                .body("[0].sessionId", nullValue()).body("[0].details", equalTo(Map.of("by", "user")));
        adminEndpointsAnswerNotFound(account.id());

        // the e-mail is free again: a new account, with a new id and nothing of the old one
        String newId = given().contentType(ContentType.JSON).body(Map.of("email", account.email(), "password", PASSWORD))
                .post("/api/auth/register").then().statusCode(201).extract().path("id");
        assertNotEquals(account.id(), newId);
        Tokens fresh = login(new Account(account.email(), PASSWORD, newId));
        given().auth().oauth2(fresh.accessToken()).get("/api/auth/sessions").then().statusCode(200).body("size()", equalTo(1));
    }

    private void adminEndpointsAnswerNotFound(String id) {
        for (Response response : List.of(
                asAdmin().get("/api/admin/users/" + id + "/sessions"),
                asAdmin().contentType(ContentType.JSON).body(Map.of("roles", List.of("user"))).put("/api/admin/users/" + id + "/roles"),
                asAdmin().post("/api/admin/users/" + id + "/revoke-sessions"),
                asAdmin().post("/api/admin/users/" + id + "/suspend"),
                asAdmin().post("/api/admin/users/" + id + "/reinstate"),
                asAdmin().delete("/api/admin/users/" + id))) {
            response.then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        }
        asAdmin().queryParam("size", 100).get("/api/admin/users").then().statusCode(200).body("id", not(org.hamcrest.Matchers.hasItem(id)));
    }

    @Test
    void anAdminDeletesAUserAndTheEventNamesTheAdmin() throws Exception {
        Account account = register();
        Tokens tokens = login(account);

        asAdmin().delete("/api/admin/users/" + account.id()).then().statusCode(204);

        refusedWithinASecond(tokens.accessToken());
        Api.refreshResponse(tokens.refreshToken()).then().statusCode(401);
        nothingLeft(db, account.id(), account.email(), List.of(tokens.sessionId()), Map.of("by", "admin", "adminId", adminId), 0);
        asAdmin().get("/api/admin/users/" + account.id() + "/events").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].details.by", equalTo("admin"))
                .body("[0].details.adminId", equalTo(adminId));
        asAdmin().delete("/api/admin/users/" + account.id()).then().statusCode(404).body("code", equalTo("not_found"));
        onlyTheNoticeGoesOut(db, account.id(), account.email());
    }

    @Test
    void theAdminDeletionRefusesUnknownIdsNonAdminsAndStrangers() {
        for (String id : new String[]{UUID.randomUUID().toString(), "not-a-uuid", "00000000-0000-0000-0000-00000000000g", "%20"}) {
            asAdmin().delete("/api/admin/users/" + id).then().statusCode(404).body("code", equalTo("not_found"));
            asAdmin().get("/api/admin/users/" + id + "/events").then().statusCode(404).body("code", equalTo("not_found"));
        }
        Account target = register();
        Tokens user = login(register());
        given().auth().oauth2(user.accessToken()).delete("/api/admin/users/" + target.id()).then().statusCode(403)
                .body("code", equalTo("forbidden"));
        given().delete("/api/admin/users/" + target.id()).then().statusCode(401).body("code", equalTo("invalid_token"));
        given().auth().oauth2("not.a.token").delete("/api/admin/users/" + target.id()).then().statusCode(401);
        login(target); // untouched
        // an existing user's events answer even when there are none
        asAdmin().get("/api/admin/users/" + target.id() + "/events").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aWrongPasswordIsRefusedCountedForTheLockoutAndDeletesNothing() {
        Account account = register();
        Tokens tokens = login(account);
        for (int i = 0; i < 5; i++) {
            deleteMe(tokens.accessToken(), Map.of("password", "not my password")).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_current_password"));
        }
        // docs/api.md "Account lockout": the lock comes before the password, and it is the login's lock too
        Response locked = deleteMe(tokens.accessToken(), Map.of("password", PASSWORD));
        locked.then().statusCode(429).body("code", equalTo("rate_limited"));
        assertTrue(Long.parseLong(locked.header("Retry-After")) > 0);
        Api.loginResponse(account.email(), PASSWORD).then().statusCode(429);
        me(tokens.accessToken()).then().statusCode(200).body("id", equalTo(account.id()));
        assertEquals(1, db.count("select count(*) from users where id = ?", UUID.fromString(account.id())));
    }

    @Test
    void hostileBodiesAreProblemsAndDeleteNothing() {
        Account account = register();
        Tokens tokens = login(account);
        String token = tokens.accessToken();
        Map<String, String> validation = Map.of(
                "{}", "password",
                "{\"password\":\"\"}", "password",
                "{\"password\":null}", "password",
                "{\"password\":5}", "password",
                "{\"password\":true}", "password",
                "{\"password\":[\"" + PASSWORD + "\"]}", "password",
                "{\"password\":\"" + "a".repeat(257) + "\"}", "password",
                "{\"password\":\"correct\\u0000horse\"}", "password");
        validation.forEach((body, field) -> deleteMe(token, body).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo(field)));
        for (String body : new String[]{"", "not json", "[1,2]", "\"text\"", "null", "{\"password\":\"a\",\"password\":\"b\"}",
                "{\"password\":"}) {
            deleteMe(token, body).then().statusCode(400).body("code", equalTo("malformed_request"));
        }
        given().auth().oauth2(token).delete("/api/users/me").then().statusCode(400).body("code", equalTo("malformed_request"));
        given().auth().oauth2(token).contentType(ContentType.TEXT).body("password=" + PASSWORD).delete("/api/users/me")
                .then().statusCode(415).body("code", equalTo("unsupported_media_type"));
        deleteMe(token, "{\"password\":\"" + "a".repeat(70 * 1024) + "\"}").then().statusCode(413)
                .body("code", equalTo("payload_too_large"));
        // no or a bad token: 401 before the body is looked at
        given().contentType(ContentType.JSON).body(Map.of("password", PASSWORD)).delete("/api/users/me").then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer")).body("code", equalTo("invalid_token"));
        deleteMe("a.b.c", Map.of("password", PASSWORD)).then().statusCode(401);
        // unknown fields are ignored (docs/api.md "JSON strictness"): the password is still checked
        deleteMe(token, Map.of("password", "not my password", "confirm", true)).then().statusCode(400)
                .body("code", equalTo("invalid_current_password"));
        me(token).then().statusCode(200);
        deleteMe(token, Map.of("password", PASSWORD, "reason", "leaving")).then().statusCode(204);
    }

    /** Several deletions of one account at once: one deletes it, the others find it gone; never a 5xx. */
    @Test
    void parallelDeletionsOfOneAccountDeleteItOnce() throws Exception {
        Account account = register();
        List<Tokens> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(login(account));
        }
        List<Integer> statuses = Parallel.run(4, i -> deleteMe(sessions.get(i).accessToken(), Map.of("password", PASSWORD))
                .statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 204).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 204 || s == 401), statuses.toString());
        nothingLeft(db, account.id(), account.email(), sessions.stream().map(Tokens::sessionId).toList(), Map.of("by", "user"), 0);
        onlyTheNoticeGoesOut(db, account.id(), account.email());
    }

    /** docs/api.md "Last admin": the only active admin cannot delete itself; with another admin it can. */
    @Test
    void theOnlyActiveAdminCannotDeleteItself() {
        OnlyAdmin.demoteEveryAdminBut(db, adminId);
        deleteMe(admin.accessToken(), Map.of("password", PASSWORD)).then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("last_admin"));
        asAdmin().delete("/api/admin/users/" + adminId).then().statusCode(409).body("code", equalTo("last_admin"));
        me(admin.accessToken()).then().statusCode(200);
        // a wrong password is still a wrong password, checked first
        deleteMe(admin.accessToken(), Map.of("password", "not my password")).then().statusCode(400)
                .body("code", equalTo("invalid_current_password"));

        Account other = register();
        db.makeAdmin(other.id());
        deleteMe(admin.accessToken(), Map.of("password", PASSWORD)).then().statusCode(204);
        Tokens otherAdmin = login(other);
        deleteMe(otherAdmin.accessToken(), Map.of("password", PASSWORD)).then().statusCode(409).body("code", equalTo("last_admin"));
    }
}
