package dev.gatehouse.admin;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Account;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.OnlyAdmin;
import dev.gatehouse.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.support.Api.PASSWORD;
import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.isIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/api.md "Last admin": never zero active admins, not even when two admins act on each other at once. */
@QuarkusTest
class LastAdminTest {

    private static final String ACTIVE_ADMINS =
            "select count(*) from users where status = 'active' and 'admin' = any(roles)";

    @Inject
    Db db;

    private Account admin() {
        Account account = register();
        db.makeAdmin(account.id());
        return account;
    }

    private static Response suspend(Tokens actor, String target) {
        return given().auth().oauth2(actor.accessToken()).post("/api/admin/users/" + target + "/suspend");
    }

    private static Response setRoles(Tokens actor, String target, List<String> roles) {
        return given().auth().oauth2(actor.accessToken()).contentType(ContentType.JSON).body(Map.of("roles", roles))
                .put("/api/admin/users/" + target + "/roles");
    }

    private static Response delete(Tokens actor, String target) {
        return given().auth().oauth2(actor.accessToken()).delete("/api/admin/users/" + target);
    }

    private static void isLastAdmin(Response response) {
        response.then().statusCode(409).contentType("application/problem+json").body("code", equalTo("last_admin"))
                .body("type", equalTo("urn:gatehouse:problem:last_admin"));
    }

    @Test
    void theOnlyActiveAdminCannotBeSuspendedDemotedOrDeleted() {
        Account only = admin();
        OnlyAdmin.demoteEveryAdminBut(db, only.id());
        Tokens tokens = login(only);

        isLastAdmin(suspend(tokens, only.id()));
        isLastAdmin(setRoles(tokens, only.id(), List.of("user")));
        isLastAdmin(delete(tokens, only.id()));
        // nothing happened: no event, the token still works (no stamp change), still an admin
        given().auth().oauth2(tokens.accessToken()).get("/api/admin/users/" + only.id() + "/events").then().statusCode(200)
                .body("size()", equalTo(0));
        assertEquals(1, db.count(ACTIVE_ADMINS));

        // roles that keep admin are no demotion; other users are not admins to begin with
        Account user = register();
        suspend(tokens, user.id()).then().statusCode(204);
        setRoles(tokens, user.id(), List.of("user")).then().statusCode(204);
        delete(tokens, user.id()).then().statusCode(204);
        setRoles(tokens, only.id(), List.of("admin", "user")).then().statusCode(204);
    }

    @Test
    void aSuspendedAdminDoesNotCountAndAnotherActiveAdminLiftsTheRule() {
        Account first = admin();
        Account second = admin();
        OnlyAdmin.demoteEveryAdminBut(db, first.id(), second.id());
        Tokens tokens = login(first);

        suspend(tokens, second.id()).then().statusCode(204); // first is still active
        isLastAdmin(setRoles(tokens, first.id(), List.of("user")));
        isLastAdmin(suspend(tokens, first.id()));
        isLastAdmin(given().auth().oauth2(tokens.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("password", PASSWORD)).delete("/api/users/me"));
        // a suspended admin is no active admin: deleting or demoting it takes none away
        setRoles(tokens, second.id(), List.of("user", "admin")).then().statusCode(204);

        given().auth().oauth2(tokens.accessToken()).post("/api/admin/users/" + second.id() + "/reinstate").then().statusCode(204);
        Tokens secondTokens = login(second);
        setRoles(secondTokens, first.id(), List.of("user")).then().statusCode(204);
        isLastAdmin(suspend(secondTokens, second.id()));
        assertEquals(1, db.count(ACTIVE_ADMINS));
    }

    /** A change that takes an admin away, by one admin on the other. */
    private interface Removal {
        Response apply(Tokens actor, String target);
    }

    /**
     * Two admins, the only two, take admin power away at the same moment, each from a different one of the two:
     * from each other, or each from itself, in every combination of suspend, demote and delete (and the
     * self-service deletion). One wins; the other gets 409 {@code last_admin} (or 401, if the winner's change
     * ended its token first); and one active admin is left every time.
     */
    @Test
    void twoAdminsRemovingAdminsAtOnceLeaveOneActiveAdmin() throws Exception {
        List<Removal> byAnAdmin = List.of(LastAdminTest::suspend, (actor, target) -> setRoles(actor, target, List.of("user")),
                LastAdminTest::delete);
        List<Removal> ofItself = new ArrayList<>(byAnAdmin);
        ofItself.add((actor, itself) -> given().auth().oauth2(actor.accessToken()).contentType(ContentType.JSON)
                .body(Map.of("password", PASSWORD)).delete("/api/users/me"));
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (boolean mutual : new boolean[]{true, false}) {
                List<Removal> removals = mutual ? byAnAdmin : ofItself;
                for (Removal one : removals) {
                    for (Removal other : removals) {
                        Account a = admin();
                        Account b = admin();
                        OnlyAdmin.demoteEveryAdminBut(db, a.id(), b.id());
                        Tokens ta = login(a);
                        Tokens tb = login(b);
                        List<Integer> statuses = Parallel.run(2, i -> i == 0
                                ? one.apply(ta, mutual ? b.id() : a.id()).statusCode()
                                : other.apply(tb, mutual ? a.id() : b.id()).statusCode());
                        outcomes.add(statuses.toString());
                        assertEquals(1, db.count(ACTIVE_ADMINS), "active admins after " + statuses);
                        assertEquals(1, statuses.stream().filter(s -> s == 204).count(), statuses.toString());
                        assertTrue(statuses.stream().allMatch(s -> s == 204 || s == 409 || s == 401), statuses.toString());
                    }
                }
            }
        }
        // the race was run, not just the sequence: some losers got through the Bearer check and met the rule
        assertTrue(outcomes.stream().anyMatch(o -> o.contains("409")), outcomes.toString());
    }

    @Test
    void everyAnswerOfTheRuleIsAProblem() {
        Account only = admin();
        OnlyAdmin.demoteEveryAdminBut(db, only.id());
        Tokens tokens = login(only);
        List<Response> answers = List.of(suspend(tokens, only.id()), setRoles(tokens, only.id(), List.of("user")),
                delete(tokens, only.id()));
        for (Response answer : answers) {
            answer.then().statusCode(409).body("status", equalTo(409)).body("title", equalTo("Last admin"))
                    .body("keySet()", everyItem(isIn(List.of("type", "title", "status", "detail", "code"))));
        }
        assertEquals(1, db.count("select count(*) from users where id = ? and status = 'active'", UUID.fromString(only.id())));
    }
}
