package dev.gatehouse.ops;

import dev.gatehouse.dpop.DeviceKey;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.register;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/operations.md "Query plans": with 100,000 rows in each of users, sessions and refresh_tokens, no
 * statement that the hot paths run reads one of them whole. The flows run over HTTP; pg_stat_statements
 * (loaded by devdb/EmbeddedPostgres) collects every statement the server ran, nested ones included, and
 * the generic plan of each (the one a prepared statement may settle on, whatever its values) must have
 * no Seq Scan on those tables.
 */
@QuarkusTest
class QueryPlanTest {

    private static final int ROWS = 100_000;
    /** Filler rows are recognised by these, which no other test uses (.invalid is a reserved domain). */
    private static final String FILLER_DOMAIN = "@plans.invalid";
    private static final String FILLER_DEVICE = "query-plan filler";

    private static final Pattern WATCHED = Pattern.compile("\\b(users|sessions|refresh_tokens)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern DML = Pattern.compile("^\\s*(select|insert|update|delete|with)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern FULL_SCAN = Pattern.compile("Seq Scan on (users|sessions|refresh_tokens)\\b");
    private static final String UNEXPLAINED = "EXPLAIN failed: ";

    /** Statements the flows must have run: without them the collection is broken, not the plans good. */
    private static final List<String> EXPECTED = List.of(
            "from users",                                        // the login's and registration's look-up
            "select t.session_id, s.dpop_jkt",                   // RotationStatement, plain JDBC
            "with rotated as",                                   // the rotation itself
            "update sessions set revoked_at",                    // revoke-all and the session cap
            "delete from sessions where id",                      // the purge
            "from only \"public\".\"users\"",                    // a foreign-key check, nested
            "delete from only \"public\".\"refresh_tokens\"");   // the purge's cascade, nested

    @Inject
    Db db;
    @Inject
    StoragePurge purge;

    @Test
    void noHotPathStatementReadsAWholeTable() throws SQLException {
        try (Connection sql = connect()) {
            try {
                fill(sql);
                Api.Account adminAccount = register();
                db.makeAdmin(adminAccount.id());
                Tokens admin = login(adminAccount);

                execute(sql, "select pg_stat_statements_reset()");
                runTheFlows(admin);
                purge.purge();

                Map<String, String> plans = plans(sql, collected(sql));
                List<String> failing = plans.entrySet().stream()
                        .filter(p -> FULL_SCAN.matcher(p.getValue()).find() || p.getValue().startsWith(UNEXPLAINED))
                        .map(Map.Entry::getKey).toList();
                StringBuilder report = new StringBuilder();
                plans.forEach((statement, plan) -> report.append(failing.contains(statement) ? "\n\nFAILS: " : "\n\n")
                        .append(statement).append('\n').append(plan));
                for (String expected : EXPECTED) {
                    assertTrue(plans.keySet().stream().anyMatch(s -> s.toLowerCase(Locale.ROOT).contains(expected)),
                            "no statement containing \"" + expected + "\" was collected; checked:" + report);
                }
                assertTrue(failing.isEmpty(), failing.size() + " of " + plans.size()
                        + " statements read a whole table or could not be explained; generic plans checked:" + report);
            } finally {
                clean(sql);
            }
        }
    }

    /**
     * Login, registration, refresh (rotation, retry, replay), logout, logout-all, password change, the own
     * sessions, the Bearer check and every admin look-up and change: the paths of docs/api.md.
     */
    private static void runTheFlows(Tokens admin) {
        Api.Account user = register();
        given().contentType("application/json")
                .body(Map.of("email", user.email().toUpperCase(Locale.ROOT), "password", Api.PASSWORD))
                .post("/api/auth/register").then().statusCode(409);
        Api.loginResponse(user.email(), "wrong password").then().statusCode(401);
        Api.loginResponse(Api.uniqueEmail(), Api.PASSWORD).then().statusCode(401);

        Tokens first = login(user);
        Tokens second = login(user);
        Tokens third = login(user);
        me(first.accessToken()).then().statusCode(200);
        Tokens rotated = Api.refresh(first.refreshToken());
        Api.refresh(first.refreshToken()); // a retry inside the reuse window
        Api.refresh(rotated.refreshToken());
        Api.refreshResponse(first.refreshToken()).then().statusCode(401); // a replay: the session goes
        Api.refreshResponse("gatehouse_rt_" + "A".repeat(43)).then().statusCode(401);

        bearer(second).get("/api/auth/sessions").then().statusCode(200);
        bearer(second).delete("/api/auth/sessions/" + third.sessionId()).then().statusCode(204);
        bearer(second).delete("/api/auth/sessions/" + first.sessionId()).then().statusCode(204);
        bearer(second).delete("/api/auth/sessions/" + UUID.randomUUID()).then().statusCode(404);
        bearer(second).contentType("application/json")
                .body(Map.of("currentPassword", "wrong password", "newPassword", "another horse battery"))
                .post("/api/auth/password").then().statusCode(400);
        bearer(second).contentType("application/json")
                .body(Map.of("currentPassword", Api.PASSWORD, "newPassword", "another horse battery"))
                .post("/api/auth/password").then().statusCode(204);
        Tokens renewed = Api.refresh(second.refreshToken());
        bearer(renewed).post("/api/auth/logout-all").then().statusCode(204);
        Tokens last = Api.login(new Api.Account(user.email(), "another horse battery", user.id()));
        given().contentType("application/json").body(Map.of("refreshToken", last.refreshToken()))
                .post("/api/auth/logout").then().statusCode(204);
        // a session bound to a DPoP key (docs/dpop.md): its sign-in, refresh and logout with proofs
        DeviceKey key = DeviceKey.create();
        String bound = given().contentType("application/json").header("DPoP", key.post("/api/auth/login"))
                .body(Map.of("email", user.email(), "password", "another horse battery"))
                .post("/api/auth/login").then().statusCode(200).extract().path("refreshToken");
        String boundNext = given().contentType("application/json").header("DPoP", key.post("/api/auth/refresh"))
                .body(Map.of("refreshToken", bound)).post("/api/auth/refresh").then().statusCode(200)
                .extract().path("refreshToken");
        given().contentType("application/json").header("DPoP", key.post("/api/auth/logout"))
                .body(Map.of("refreshToken", boundNext)).post("/api/auth/logout").then().statusCode(204);

        String users = "/api/admin/users";
        bearer(admin).queryParam("email", user.email()).get(users).then().statusCode(200);
        bearer(admin).get(users).then().statusCode(200);
        bearer(admin).queryParam("page", 3).queryParam("size", 50).get(users).then().statusCode(200);
        bearer(admin).get(users + "/" + user.id() + "/sessions").then().statusCode(200);
        bearer(admin).get(users + "/" + user.id() + "/events").then().statusCode(200);
        bearer(admin).get(users + "/" + UUID.randomUUID() + "/sessions").then().statusCode(404);
        bearer(admin).contentType("application/json").body(Map.of("roles", List.of("user")))
                .put(users + "/" + user.id() + "/roles").then().statusCode(204);
        bearer(admin).post(users + "/" + user.id() + "/revoke-sessions").then().statusCode(204);
        bearer(admin).post(users + "/" + user.id() + "/suspend").then().statusCode(204);
        Api.loginResponse(user.email(), "another horse battery").then().statusCode(403);
        bearer(admin).post(users + "/" + user.id() + "/reinstate").then().statusCode(204);
    }

    private static RequestSpecification bearer(Tokens tokens) {
        return given().auth().oauth2(tokens.accessToken());
    }

    /**
     * 100,000 users, each with one session and its refresh token, then fresh statistics. Sessions started up to
     * 89 days ago and were last used up to 13 days ago; a fifth were revoked an hour ago (dead, within the purge's
     * retention) and one in a hundred 8 days ago (for the purge to delete, with its token); one token in a hundred
     * was rotated a moment ago and still holds its sealed successor. One transaction, without the pool's
     * statement timeout.
     */
    private static void fill(Connection sql) throws SQLException {
        sql.setAutoCommit(false);
        execute(sql, "set local statement_timeout = 0");
        execute(sql, """
                insert into users (id, email, email_skeleton, password_hash, roles, security_stamp, status, created_at, updated_at)
                select md5('query-plan-user-' || n)::uuid, 'query-plan-' || n || '%1$s', 'query-plan-' || n || '%1$s',
                       '$argon2id$v=19$m=19456,t=2,p=1$' || md5('salt' || n) || '$' || md5('hash' || n), array['user'],
                       md5('stamp' || n), 'active', now() - interval '1 year' + n * interval '1 minute',
                       now() - interval '1 year' + n * interval '1 minute'
                  from generate_series(1, %2$d) n""".formatted(FILLER_DOMAIN, ROWS));
        execute(sql, """
                insert into sessions (id, user_id, device_name, user_agent, ip_address, created_at, last_used_at,
                                      absolute_end, refresh_expires_at, revoked_at, revoke_reason)
                select md5('query-plan-session-' || n)::uuid, md5('query-plan-user-' || n)::uuid, '%1$s', 'filler',
                       '192.0.2.1', started, used, started + interval '90 days', used + interval '14 days',
                       case when n %% 100 = 0 then now() - interval '8 days'
                            when n %% 5 = 0 then now() - interval '1 hour' end,
                       case when n %% 5 = 0 then 'logout' end
                  from generate_series(1, %2$d) n,
                       lateral (select now() - interval '1 hour' - (n %% 89) * interval '1 day' as started,
                                       now() - interval '1 hour' - (n %% 13) * interval '1 day' as used) t
                """.formatted(FILLER_DEVICE, ROWS));
        execute(sql, """
                insert into refresh_tokens (session_id, token_hash, issued_at, expires_at, rotated_at, successor_hash,
                                            successor_sealed)
                select md5('query-plan-session-' || n)::uuid, sha256(convert_to('query-plan-token-' || n, 'UTF8')),
                       now() - interval '1 hour', now() + interval '13 days',
                       case when n %% 100 = 50 then now() end,
                       case when n %% 100 = 50 then sha256(convert_to('query-plan-successor-' || n, 'UTF8')) end,
                       case when n %% 100 = 50 then decode('00', 'hex') end
                  from generate_series(1, %d) n""".formatted(ROWS));
        execute(sql, "analyze users, sessions, refresh_tokens");
        sql.commit();
        sql.setAutoCommit(true);
        execute(sql, "create extension if not exists pg_stat_statements");
    }

    /**
     * Deletes the filler, children first. Foreign-key triggers are off for it: deleting a user cascades to
     * sessions by user_id, which only the partial index sessions_user_live covers, so each of the 100,000
     * deletions would scan sessions (users are never deleted on a hot path; docs/operations.md "Query plans").
     */
    private static void clean(Connection sql) throws SQLException {
        sql.setAutoCommit(false);
        execute(sql, "set local statement_timeout = 0");
        execute(sql, "set local session_replication_role = replica");
        execute(sql, "delete from refresh_tokens where session_id in (select id from sessions where device_name = '"
                + FILLER_DEVICE + "')");
        execute(sql, "delete from sessions where device_name = '" + FILLER_DEVICE + "'");
        execute(sql, "delete from users where email like 'query-plan-%" + FILLER_DOMAIN + "'");
        execute(sql, "analyze users, sessions, refresh_tokens");
        sql.commit();
        sql.setAutoCommit(true);
    }

    /** Every statement run since the reset that reads or writes a watched table, as normalized by pg_stat_statements. */
    private static List<String> collected(Connection sql) throws SQLException {
        List<String> statements = new ArrayList<>();
        try (Statement statement = sql.createStatement();
             ResultSet rows = statement.executeQuery("select query from pg_stat_statements where calls > 0 order by query")) {
            while (rows.next()) {
                String query = rows.getString(1);
                if (DML.matcher(query).find() && WATCHED.matcher(query).find() && !query.contains("pg_stat_statements")) {
                    statements.add(query);
                }
            }
        }
        return statements;
    }

    /** Each statement's generic plan (PostgreSQL 16+), or why it could not be explained (which fails the test). */
    private static Map<String, String> plans(Connection sql, List<String> statements) {
        Map<String, String> plans = new LinkedHashMap<>();
        for (String query : statements) {
            StringBuilder plan = new StringBuilder();
            try (Statement statement = sql.createStatement();
                 ResultSet rows = statement.executeQuery("explain (generic_plan) " + query)) {
                while (rows.next()) {
                    plan.append("    ").append(rows.getString(1)).append('\n');
                }
            } catch (SQLException e) {
                plan.append(UNEXPLAINED).append(e.getMessage()).append('\n');
            }
            plans.put(query, plan.toString());
        }
        return plans;
    }

    private static void execute(Connection sql, String statement) throws SQLException {
        try (Statement s = sql.createStatement()) {
            s.execute(statement);
        }
    }

    /**
     * Not from the pool: its statement timeout (0.9 s) would stop the fill. The simple query protocol sends the
     * collected statements' $n placeholders as they are, for EXPLAIN (GENERIC_PLAN) to leave unbound.
     */
    private static Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        Properties properties = new Properties();
        properties.setProperty("user", config.getValue("quarkus.datasource.username", String.class));
        properties.setProperty("password", config.getValue("quarkus.datasource.password", String.class));
        properties.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class), properties);
    }
}
