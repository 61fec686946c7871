package dev.gatehouse.packaged;

import dev.gatehouse.support.Cluster;
import dev.gatehouse.support.Nginx;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped {@code docker/nginx.conf} (its server block) in front of the packaged jar, which
 * trusts that proxy: a client cannot pick its address, and so its rate-limit bucket, by sending
 * forwarding headers of its own (docs/operations.md "Behind a reverse proxy", docs/api.md
 * "Client address"). The client here is 127.0.0.1, as nginx sees it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyIT {

    private static final String PASSWORD = "correct horse battery";

    private static final String NO_NGINX = "nginx is not installed (apt-get install nginx): ProxyIT, which runs the"
            + " shipped docker/nginx.conf in front of the packaged jar, is skipped";

    private static final Optional<Path> BINARY = Nginx.find();
    private static Cluster cluster;
    private static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        if (BINARY.isEmpty()) {
            System.out.println(NO_NGINX); // in the build's output too, not only in the report
            return;
        }
        cluster = Cluster.start(1, Map.of("GATEHOUSE_HTTP_TRUSTED_PROXIES", "127.0.0.1/32",
                "GATEHOUSE_RATE_LIMIT_ENABLED", "true"));
        nginx = Nginx.start(BINARY.get(), Path.of("docker", "nginx.conf"), cluster.instance(0).port());
    }

    /** Per test rather than in start(), so that each test is reported as skipped, with the reason. */
    @BeforeEach
    void requireNginx() {
        assumeTrue(BINARY.isPresent(), NO_NGINX);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close(); // its logs stay in target/it-logs/nginx-*
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A request through nginx claiming to come from elsewhere, in both forwarding headers. */
    private static RequestSpecification forged(int i) {
        return given().baseUri(nginx.baseUri())
                .header("Forwarded", "for=203.0.113." + i)
                .header("X-Forwarded-For", "198.51.100." + i)
                .contentType(ContentType.JSON);
    }

    @Test
    @Order(1) // before the login bucket is spent
    void aSessionCreatedThroughNginxStoresTheRealClientNotTheForgedAddress() {
        String email = "proxy-" + UUID.randomUUID() + "@example.com";
        forged(200).body(Map.of("email", email, "password", PASSWORD)).post("/api/auth/register").then().statusCode(201);
        Response login = forged(201).body(Map.of("email", email, "password", PASSWORD, "deviceName", "behind nginx"))
                .post("/api/auth/login");
        assertEquals(200, login.statusCode(), login.asString());

        given().baseUri(nginx.baseUri()).auth().oauth2(login.path("accessToken")).get("/api/auth/sessions")
                .then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].deviceName", equalTo("behind nginx"))
                .body("[0].ipAddress", equalTo("127.0.0.1"));
    }

    @Test
    @Order(2)
    void fortyLoginsWithForgedAddressesShareTheRealClientsBucket() {
        List<Integer> statuses = new ArrayList<>();
        Response firstLimited = null;
        long start = System.nanoTime();
        for (int i = 1; i <= 40; i++) {
            // a new unknown email each time: the lockout never comes into it
            Response response = forged(i).body(Map.of("email", "nobody-" + UUID.randomUUID() + "@example.com",
                    "password", "wrong password " + i)).post("/api/auth/login");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429 && firstLimited == null) {
                firstLimited = response;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long unauthorized = statuses.stream().filter(status -> status == 401).count();
        long limited = statuses.stream().filter(status -> status == 429).count();
        System.out.printf("40 forged logins through nginx in %.1f s: %d x 401, %d x 429%n", seconds, unauthorized, limited);

        assertEquals(40, unauthorized + limited, "only 401 and 429: " + statuses);
        assertTrue(limited > 0, "no 429: every forged address got a bucket of its own: " + statuses);
        // one bucket (burst 20, 20 a minute) for all forty, less the earlier test's login
        long refilled = (long) Math.ceil(seconds * 20 / 60);
        assertTrue(unauthorized <= 20 + refilled, unauthorized + " logins got past the limit in " + seconds + " s: " + statuses);
        firstLimited.then().contentType("application/problem+json").body("code", equalTo("rate_limited"))
                .header("Retry-After", notNullValue());
    }
}
