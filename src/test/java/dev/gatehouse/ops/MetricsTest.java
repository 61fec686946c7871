package dev.gatehouse.ops;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/operations.md "Metrics": metric names, moving counters, and no secret or user id in any label. */
@QuarkusTest
class MetricsTest {

    /** On the management interface, not the public port (ManagementInterfaceTest). */
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    private String metrics() {
        return Metrics.scrape(metricsUrl);
    }

    private static double value(String text, String name, String labelPart) {
        return Metrics.value(text, name, labelPart);
    }

    @Test
    void theSpecMetricsExistAndMove() {
        String before = metrics();
        Api.Account account = Api.register();
        Api.Tokens first = Api.login(account);
        Api.loginResponse(account.email(), "wrong password!").then().statusCode(401);
        Api.Tokens second = Api.refresh(first.refreshToken());
        Api.refresh(first.refreshToken()); // a retry inside the window
        Api.refresh(second.refreshToken());
        Api.refreshResponse(first.refreshToken()).then().statusCode(401); // replay: revokes the session
        Api.Tokens other = Api.login(account);
        given().contentType("application/json").body(Map.of("refreshToken", other.refreshToken()))
                .post("/api/auth/logout").then().statusCode(204);
        Api.Account locked = Api.register();
        for (int i = 0; i < 5; i++) {
            Api.loginResponse(locked.email(), "wrong password!").then().statusCode(401);
        }
        String after = metrics();

        assertMoved(before, after, "gatehouse_logins_total", "outcome=\"success\"", 2);
        assertMoved(before, after, "gatehouse_logins_total", "outcome=\"invalid_credentials\"", 6);
        assertMoved(before, after, "gatehouse_refreshes_total", "outcome=\"rotated\"", 2);
        assertMoved(before, after, "gatehouse_refreshes_total", "outcome=\"retried\"", 1);
        assertMoved(before, after, "gatehouse_refreshes_total", "outcome=\"replayed\"", 1);
        assertMoved(before, after, "gatehouse_replays_detected_total", "", 1);
        assertMoved(before, after, "gatehouse_revocations_total", "reason=\"replay_detected\"", 1);
        assertMoved(before, after, "gatehouse_revocations_total", "reason=\"logout\"", 1);
        assertMoved(before, after, "gatehouse_lockouts_total", "", 1);
        assertMoved(before, after, "http_server_requests_seconds_count", "uri=\"/api/auth/refresh\"", 4);
        assertMoved(before, after, "http_server_requests_seconds_count", "uri=\"/api/auth/login\"", 8);
        assertTrue(after.contains("http_server_requests_seconds_bucket") || after.contains("http_server_requests_seconds_max"),
                "token endpoint latency is recorded");

        for (String secret : new String[]{account.email(), account.id(), first.refreshToken(), first.accessToken(),
                first.sessionId(), account.password()}) {
            assertFalse(after.contains(secret), "a secret or user id in the metrics");
        }
    }

    private static void assertMoved(String before, String after, String name, String labels, double atLeast) {
        double delta = value(after, name, labels) - value(before, name, labels);
        assertTrue(delta >= atLeast, name + labels + " moved by " + delta + ", expected at least " + atLeast);
    }
}
