package dev.gatehouse.client;

import org.json.JSONObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The running Gatehouse the live tests use ({@code GATEHOUSE_URL}, from {@code -D} or the
 * environment), started by the main project's JavaClientIT with a 2 s access-token ttl, no clock
 * skew and no per-IP limit. These calls go straight to the service, never through the client.
 */
final class LiveGatehouse {

    static final String PASSWORD = "correct horse battery";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    private LiveGatehouse() {
    }

    /** The service's base URL, or {@code null} when the live tests are not wanted. */
    static String url() {
        String url = System.getProperty("GATEHOUSE_URL", System.getenv("GATEHOUSE_URL"));
        return url == null || url.isBlank() ? null : url.replaceAll("/+$", "");
    }

    /** A fresh user per test. */
    static String registerUser() throws Exception {
        String email = "java-client-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> response = post("/api/auth/register", new JSONObject().put("email", email).put("password", PASSWORD));
        assertEquals(201, response.statusCode(), response.body());
        return email;
    }

    /** A refresh out of band, straight at the service: its status and the token response's strings. */
    static Answer refreshDirectly(String refreshToken) throws Exception {
        HttpResponse<String> response = post("/api/auth/refresh", new JSONObject().put("refreshToken", refreshToken));
        return new Answer(response.statusCode(), AuthApi.object(response.body()));
    }

    record Answer(int status, JSONObject body) {
    }

    /** Polls /api/users/me with the token until the service refuses it (expiry), instead of sleeping a fixed time. */
    static void waitUntilRefused(String accessToken) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url() + "/api/users/me"))
                    .header("Authorization", "Bearer " + accessToken).timeout(Duration.ofSeconds(5)).build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 401) {
                return;
            }
            assertEquals(200, status, "the token works until it expires");
            Thread.sleep(100);
        }
        fail("the access token was still accepted after 10 s: is the service running with GATEHOUSE_ACCESS_TOKEN_TTL=PT2S?");
    }

    private static HttpResponse<String> post(String path, JSONObject json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
