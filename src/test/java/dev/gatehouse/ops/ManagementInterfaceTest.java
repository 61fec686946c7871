package dev.gatehouse.ops;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * docs/operations.md "Health": health and metrics answer on the management port only; the public
 * port answers 404 for them, so an attacker cannot read whether a replay or a lockout was noticed.
 */
@QuarkusTest
class ManagementInterfaceTest {

    @TestHTTPResource("/")
    URL publicBase;
    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;
    @TestHTTPResource(value = "health/live", management = true)
    URL live;
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void healthAndMetricsAnswerOnTheManagementPort() {
        assertNotEquals(publicBase.getPort(), ready.getPort(), "the management interface has a port of its own");
        given().get(ready).then().statusCode(200).body("status", is("UP"));
        given().get(live).then().statusCode(200).body("status", is("UP"));
        given().get(metrics).then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void thePublicPortAnswers404ForHealthAndMetrics() {
        for (String path : new String[]{"/q/health", "/q/health/ready", "/q/health/live", "/q/health/started",
                "/q/metrics", "/q/metrics/", "/q/health/", "/Q/METRICS"}) {
            given().get(path).then().statusCode(404);
        }
        given().get("/q/openapi").then().statusCode(200); // the API description stays public
    }
}
