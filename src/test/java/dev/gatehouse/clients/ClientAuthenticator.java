package dev.gatehouse.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.support.SoftwareAuthenticator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The platform side of a passkey ceremony for the client suites, standing in for Android's Credential
 * Manager: a tiny HTTP endpoint on loopback over {@link SoftwareAuthenticator}s, one per account.
 * <pre>
 * POST /create?account=&lt;label&gt;[&amp;origin=&lt;origin&gt;]   body: requestJson of CreatePublicKeyCredentialRequest
 * POST /get?account=&lt;label&gt;[&amp;origin=&lt;origin&gt;]      body: requestJson of GetPublicKeyCredentialOption
 * </pre>
 * answer 200 with the {@code registrationResponseJson} or {@code authenticationResponseJson} that Credential
 * Manager would hand the app. The account label is the user's pick in the platform's account chooser: a
 * {@code get} signs with the credential its {@code create} made (404 when there is none). The origin
 * defaults to the test Android app's {@code android:apk-key-hash:} ({@link SoftwareAuthenticator#ANDROID_ORIGIN}).
 */
final class ClientAuthenticator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, SoftwareAuthenticator> credentials = new ConcurrentHashMap<>();

    private ClientAuthenticator() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
        http.setExecutor(threads);
        http.createContext("/create", exchange -> answer(exchange, true));
        http.createContext("/get", exchange -> answer(exchange, false));
        http.start();
    }

    static ClientAuthenticator start() throws IOException {
        return new ClientAuthenticator();
    }

    /** The endpoint's base for the client test processes ({@code GATEHOUSE_AUTHENTICATOR_URL}). */
    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    private void answer(HttpExchange exchange, boolean create) throws IOException {
        try (exchange) {
            Map<String, String> query = ClientMailbox.query(exchange.getRequestURI().getRawQuery());
            String account = query.get("account");
            if (!"POST".equals(exchange.getRequestMethod()) || account == null) {
                respond(exchange, 400, "text/plain", "POST /create|/get?account=<label>[&origin=<origin>] with the request JSON");
                return;
            }
            String origin = query.getOrDefault("origin", SoftwareAuthenticator.ANDROID_ORIGIN);
            Map<String, Object> credential;
            try {
                JsonNode options = JSON.readTree(exchange.getRequestBody());
                if (create) {
                    SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
                    credential = authenticator.create(options, origin);
                    credentials.put(account, authenticator); // a new passkey replaces the account's old one here
                } else {
                    SoftwareAuthenticator authenticator = credentials.get(account);
                    if (authenticator == null) {
                        respond(exchange, 404, "text/plain", "no passkey for " + account + " on this authenticator");
                        return;
                    }
                    // One device signs one ceremony at a time: its counter goes up in order.
                    synchronized (authenticator) {
                        credential = authenticator.get(options, origin);
                    }
                }
            } catch (IOException | RuntimeException e) {
                respond(exchange, 400, "text/plain", "the authenticator could not use these options: " + e);
                return;
            }
            respond(exchange, 200, "application/json", JSON.writeValueAsString(credential));
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }
}
