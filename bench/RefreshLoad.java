import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop refresh load: N clients, each with its own session, each always sending its newest
 * refresh token. Run with the JDK's source launcher:
 *   java bench/RefreshLoad.java http://127.0.0.1:8080 8 20   (base URL, clients, seconds)
 */
public class RefreshLoad {

    private static final Pattern REFRESH = Pattern.compile("\"refreshToken\":\"(gatehouse_rt_[A-Za-z0-9_-]{43})\"");

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        String email = "bench-" + UUID.randomUUID() + "@example.com";
        post(http, base + "/api/auth/register", "{\"email\":\"" + email + "\",\"password\":\"bench password 123\"}");
        String[] tokens = new String[clients];
        for (int i = 0; i < clients; i++) {
            tokens[i] = token(post(http, base + "/api/auth/login",
                    "{\"email\":\"" + email + "\",\"password\":\"bench password 123\",\"deviceName\":\"bench " + i + "\"}"));
        }

        run(http, base, tokens, warmup, false);
        run(http, base, tokens, seconds, true);
    }

    private static void run(HttpClient http, String base, String[] tokens, int seconds, boolean report) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < tokens.length; i++) {
            int client = i;
            long[] mine = new long[2_000_000];
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = send(http, base + "/api/auth/refresh",
                                "{\"refreshToken\":\"" + tokens[client] + "\"}");
                        if (response.statusCode() == 200) {
                            tokens[client] = token(response);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (n < mine.length) {
                        mine[n++] = System.nanoTime() - t0;
                    }
                }
                mine[mine.length - 1] = n;
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!report) {
            return;
        }
        long total = 0;
        for (long[] l : latencies) {
            total += l[l.length - 1];
        }
        long[] all = new long[(int) total];
        int k = 0;
        for (long[] l : latencies) {
            int n = (int) l[l.length - 1];
            System.arraycopy(l, 0, all, k, n);
            k += n;
        }
        Arrays.sort(all);
        System.out.printf("clients=%d requests=%d errors=%d rps=%.1f p50=%.2fms p90=%.2fms p99=%.2fms%n",
                tokens.length, total, errors.get(), total / elapsed, pct(all, 50), pct(all, 90), pct(all, 99));
    }

    private static double pct(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p / 100.0))] / 1e6;
    }

    private static String token(HttpResponse<String> response) {
        Matcher m = REFRESH.matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("no refresh token in " + response.statusCode());
        }
        return m.group(1);
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> response = send(http, url, body);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " -> " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
