package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A scripted stand-in for Gatehouse, for what the real one cannot be made to do on cue (a 503). */
final class FakeGatehouse implements AutoCloseable {

    /** {@code path} decoded, {@code rawPath} as sent. */
    record Call(String method, String path, String authorization, String body, String contentType, String rawPath) {
    }

    /** {@code retryAfter} may be {@code null}; an empty body is sent as none. */
    record Answer(int status, String body, String retryAfter) {
        static Answer json(int status, String body) {
            return new Answer(status, body, null);
        }

        static Answer empty(int status) {
            return new Answer(status, "", null);
        }

        static Answer tokens(String accessToken, String refreshToken) {
            return new Answer(200, "{\"accessToken\":\"" + accessToken + "\",\"tokenType\":\"Bearer\",\"expiresIn\":900,"
                    + "\"refreshToken\":\"" + refreshToken + "\",\"refreshExpiresIn\":1209600,\"sessionId\":\"sid-1\"}", null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Call> calls = new ArrayList<>();
    private final Function<Call, Answer> script;

    FakeGatehouse(Function<Call, Answer> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", this::answer);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Call> calls(String path) {
        return calls.stream().filter(call -> call.path().equals(path)).toList();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestURI().getRawPath());
            synchronized (this) {
                calls.add(call);
            }
            Answer answer = script.apply(call);
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", answer.retryAfter());
            }
            Exchanges.respond(exchange, answer.status(), body);
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
