package dev.gatehouse.client;

import org.json.JSONObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The running Gatehouse the live tests use ({@code GATEHOUSE_URL}, from {@code -D} or the
 * environment), started by the main project's JavaClientIT with a 2 s access-token ttl, no clock
 * skew and no per-IP limit, sending its mails to a test mailbox read through {@code GATEHOUSE_MAIL_URL}
 * (links under {@code GATEHOUSE_LINK_BASE_URL}), with passkeys on for {@code shop.test} and a test Android app
 * whose Credential Manager is played by {@code GATEHOUSE_AUTHENTICATOR_URL}. These calls go straight to the
 * service (or the authenticator), never through the client.
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
        return registerUser(newEmail());
    }

    static String registerUser(String email) throws Exception {
        HttpResponse<String> response = post("/api/auth/register", new JSONObject().put("email", email).put("password", PASSWORD));
        assertEquals(201, response.statusCode(), response.body());
        return email;
    }

    static String newEmail() {
        return "java-client-" + UUID.randomUUID() + "@example.com";
    }

    /** The service's bootstrap admin, the only admin: {@code [email, password]}. */
    static String[] admin() {
        return new String[] {setting("GATEHOUSE_ADMIN_EMAIL"), setting("GATEHOUSE_ADMIN_PASSWORD")};
    }

    /** Where the service's mail links point. */
    static String linkBaseUrl() {
        return setting("GATEHOUSE_LINK_BASE_URL");
    }

    /**
     * The text of the newest mail to {@code to} containing {@code contains} that the test mailbox has
     * not handed out before, waiting for it (the service sends from its outbox, a moment later).
     */
    static String mail(String to, String contains) throws Exception {
        String query = "?to=" + URLEncoder.encode(to, StandardCharsets.UTF_8) + "&contains=" + URLEncoder.encode(contains, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(setting("GATEHOUSE_MAIL_URL") + query)).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The one {@code Code: DDDDDD} line of a mail. */
    static String code(String mail) {
        List<String> codes = Pattern.compile("(?m)^Code: (\\d{6})$").matcher(mail).results().map(match -> match.group(1)).toList();
        assertEquals(1, codes.size(), "one code line in the mail:\n" + mail);
        return codes.get(0);
    }

    /** The one link of a mail to the link base URL. */
    static String link(String mail) {
        List<String> links = Pattern.compile(Pattern.quote(linkBaseUrl()) + "/\\S+").matcher(mail).results().map(MatchResult::group).toList();
        assertEquals(1, links.size(), "one link in the mail:\n" + mail);
        return links.get(0);
    }

    /**
     * What Android's Credential Manager hands the app for the options' {@code requestJson}: {@code create} gives the
     * {@code registrationResponseJson} of a new passkey of {@code account} (a label: the user's pick in the
     * platform's chooser), {@code get} the {@code authenticationResponseJson} signed with it. {@code origin}
     * {@code null} is the test app's {@code android:apk-key-hash:}; JavaClientIT's authenticator plays the device.
     */
    static String credentialManager(String operation, String account, String origin, String requestJson) throws Exception {
        String query = "?account=" + URLEncoder.encode(account, StandardCharsets.UTF_8)
                + (origin == null ? "" : "&origin=" + URLEncoder.encode(origin, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(setting("GATEHOUSE_AUTHENTICATOR_URL") + "/" + operation + query))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(requestJson)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** A GET straight at the service: its status and body. */
    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String setting(String name) {
        String value = System.getProperty(name, System.getenv(name));
        assertNotNull(value, name + " is not set (JavaClientIT sets it with GATEHOUSE_URL)");
        return value;
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
