package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.json.JSONObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP forwarder in front of the service that records the refresh token of every
 * {@code POST /api/auth/refresh} and, when told to, forwards the next refresh but closes the
 * connection once the service has answered: the server rotates, the client never hears of it.
 */
final class RefreshCountingProxy implements AutoCloseable {

    // The JDK client sets these itself; hop-by-hop and length headers are the server's business.
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "keep-alive", "transfer-encoding", "proxy-connection", "te", "date");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient upstream = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> refreshTokens = new ArrayList<>();
    private final AtomicBoolean dropNextRefresh = new AtomicBoolean();

    private RefreshCountingProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(threads);
        server.createContext("/", this::forward);
        server.start();
    }

    static RefreshCountingProxy start(String target) throws IOException {
        return new RefreshCountingProxy(URI.create(target));
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The token sent by each refresh call, in order. */
    synchronized List<String> refreshTokens() {
        return List.copyOf(refreshTokens);
    }

    synchronized void forgetRefreshes() {
        refreshTokens.clear();
    }

    void dropNextRefreshResponse() {
        dropNextRefresh.set(true);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean drop = false;
            if ("POST".equals(exchange.getRequestMethod()) && "/api/auth/refresh".equals(exchange.getRequestURI().getPath())) {
                synchronized (this) {
                    refreshTokens.add(new JSONObject(new String(body, StandardCharsets.UTF_8)).getString("refreshToken"));
                }
                drop = dropNextRefresh.getAndSet(false);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(10))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    values.forEach(value -> request.header(name, value));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (drop) {
                // The whole answer has been read, so the rotation has certainly happened. Closing the
                // exchange before any response header is sent closes the connection: the client
                // sees the stream end without an answer.
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            Exchanges.respond(exchange, answer.statusCode(), answer.body());
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
