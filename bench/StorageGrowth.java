import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives refreshes across many sessions so the table sizes can be measured afterwards:
 *   java bench/StorageGrowth.java http://127.0.0.1:18080 1000 100 8   (base, sessions, refreshes each, threads)
 * Sessions are spread over users 10 apiece (below the per-user cap).
 */
public class StorageGrowth {

    private static final Pattern REFRESH = Pattern.compile("\"refreshToken\":\"(gatehouse_rt_[A-Za-z0-9_-]{43})\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int sessions = Integer.parseInt(args[1]);
        int refreshes = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int u = 0; u < sessions / 10; u++) {
            work.add(pool.submit(() -> {
                String email = "storage-" + UUID.randomUUID() + "@example.com";
                String credentials = "{\"email\":\"" + email + "\",\"password\":\"storage password 1\"}";
                send(http, base + "/api/auth/register", credentials);
                for (int s = 0; s < 10; s++) {
                    String token = token(send(http, base + "/api/auth/login", credentials));
                    for (int r = 0; r < refreshes; r++) {
                        HttpResponse<String> response = send(http, base + "/api/auth/refresh", "{\"refreshToken\":\"" + token + "\"}");
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                            break;
                        }
                        token = token(response);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("sessions=%d refreshes=%d errors=%d seconds=%.1f%n", sessions, (long) sessions * refreshes,
                errors.get(), (System.nanoTime() - start) / 1e9);
    }

    private static String token(HttpResponse<String> response) {
        Matcher m = REFRESH.matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("no refresh token: " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
