package dev.gatehouse.abuse;

import dev.gatehouse.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/operations.md "Slow clients": a connection that takes longer than
 * {@code gatehouse.http.request-read-timeout} to deliver a request is closed, and while 20 of them
 * trickle one byte every 2 s, other clients are served at once. The timeout is 3 s here (30 s in
 * production) to keep the test short.
 */
@QuarkusTest
@TestProfile(SlowClientsTest.ShortTimeout.class)
class SlowClientsTest {

    static final long TIMEOUT_MS = 3_000;

    public static class ShortTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.http.request-read-timeout", "PT3S");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void twentySlowLorisConnectionsAreClosedAndOthersAreServedMeanwhile() throws Exception {
        Api.Account account = Api.register();
        long alone = normalClientMs(account);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Long>> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                slow.add(pool.submit(this::trickleHeadersUntilClosed));
            }
            Thread.sleep(1_000);
            long beside = normalClientMs(account);
            // Login costs an Argon2id hash, so the bound is relative to the same flow without slow clients.
            assertTrue(beside <= 3 * alone + 1_000, "a normal client took " + beside + " ms beside the slow ones, "
                    + alone + " ms alone");

            for (Future<Long> connection : slow) {
                long heldMs = connection.get(30, TimeUnit.SECONDS);
                assertTrue(heldMs >= TIMEOUT_MS - 500 && heldMs <= TIMEOUT_MS + 4_000,
                        "a slow connection was held " + heldMs + " ms; the timeout is " + TIMEOUT_MS + " ms");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedToo() throws Exception {
        given().get("/.well-known/jwks.json").then().statusCode(200);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            long start = System.nanoTime();
            socket.setSoTimeout((int) TIMEOUT_MS + 5_000);
            assertTrue(socket.getInputStream().read() == -1, "closed without an answer");
            long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(heldMs <= TIMEOUT_MS + 3_000, "held " + heldMs + " ms");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("an idle new connection was not closed");
        }
    }

    /** The clock runs per request, not per connection: a kept-alive connection serves a later request. */
    @Test
    void aKeptAliveConnectionIsNotClosedBetweenRequests() throws Exception {
        given().get("/.well-known/jwks.json").then().statusCode(200);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                // The first request comes in two parts a second apart: slow but within the deadline.
                out.write("GET /.well-known/jwks.json HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(1_000);
                out.write("Host: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertTrue(readResponseHead(in).startsWith("HTTP/1.1 200"), "request " + (i + 1) + " answered");
                if (i == 0) {
                    Thread.sleep(TIMEOUT_MS + 1_000); // idle between requests is not a slow request
                }
            }
        }
    }

    private static long normalClientMs(Api.Account account) {
        long start = System.nanoTime();
        given().get("/.well-known/jwks.json").then().statusCode(200);
        Api.me(Api.login(account).accessToken()).then().statusCode(200);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Sends "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Slow: aaaa..." one byte every 2 s; returns how long the server kept it open. */
    private long trickleHeadersUntilClosed() throws IOException, InterruptedException {
        byte[] bytes = ("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(1000))
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            long start = System.nanoTime();
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (byte b : bytes) {
                try {
                    out.write(b);
                    out.flush();
                } catch (IOException closed) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                try {
                    if (in.read() == -1) {
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // two seconds passed: the next byte
                } catch (IOException reset) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }
            throw new AssertionError("the server kept a slow connection open for " + bytes.length * 2 + " s");
        }
    }

    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int contentLength = 0;
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String text = line.toString().strip();
                if (text.isEmpty()) {
                    break;
                }
                if (text.toLowerCase().startsWith("content-length:")) {
                    contentLength = Integer.parseInt(text.substring(15).strip());
                }
                head.append(text).append('\n');
                line.setLength(0);
            } else {
                line.append((char) b);
            }
        }
        if (head.toString().toLowerCase().contains("transfer-encoding: chunked")) {
            String body = "";
            while (!body.endsWith("0\r\n\r\n") && (b = in.read()) != -1) {
                body += (char) b;
            }
        } else {
            in.readNBytes(contentLength);
        }
        return head.toString();
    }
}
