import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sessions for the scale cells of bench/run.sh (--scale), over HTTP with a few requests in parallel.
 * Token files have one session a line, "<sessionId> <token>", in a fixed order (line i is user i's
 * session). Run with the JDK's source launcher:
 * <pre>
 *   java bench/ScaleSessions.java create  BASE N PARALLEL PASSWORD EMAIL-PREFIX ACCESS-FILE REFRESH-FILE
 *       registers N users (email PREFIX-i@bench.invalid) and logs each in once; writes both files
 *   java bench/ScaleSessions.java me      BASE ACCESS-FILE N PARALLEL
 *       one GET /api/users/me with each of the first N access tokens (a pass that fills the caches)
 *   java bench/ScaleSessions.java refresh BASE REFRESH-FILE N PARALLEL
 *       one refresh of each of the first N sessions; the file is rewritten with the successors
 *   java bench/ScaleSessions.java settle  BASE DUMP REFRESH-FILE
 *       after a wrk refresh run (bench/wrk/scale.lua): DUMP has "<sessionId> <token> <1 if its
 *       request was still in flight when wrk stopped>"; those are sent once more (a retry inside
 *       gatehouse.refresh-token.reuse-grace, or the first use if the request never arrived) for the
 *       successor, and REFRESH-FILE gets every session's newest token, its other lines unchanged
 * </pre>
 * Any answer that is not 2xx stops it with exit status 1; settle instead reports the session and writes "-" as
 * its token, so that every later request of that session fails and its cells show the errors.
 */
public class ScaleSessions {

    private static final Pattern ACCESS = Pattern.compile("\"accessToken\":\"([^\"]+)\"");
    private static final Pattern REFRESH = Pattern.compile("\"refreshToken\":\"(gatehouse_rt_[A-Za-z0-9_-]+)\"");
    private static final Pattern SESSION = Pattern.compile("\"sessionId\":\"([0-9a-f-]{36})\"");

    private static HttpClient http;
    private static String base;

    public static void main(String[] args) throws Exception {
        base = args[1];
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        long t0 = System.nanoTime();
        String done = switch (args[0]) {
            case "create" -> create(Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4], args[5],
                    Path.of(args[6]), Path.of(args[7]));
            case "me" -> me(Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "refresh" -> refresh(Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "settle" -> settle(Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
        System.out.printf("%s in %.1f s%n", done, (System.nanoTime() - t0) / 1e9);
    }

    private static String create(int n, int parallel, String password, String prefix, Path accessFile, Path refreshFile)
            throws Exception {
        String[] access = new String[n];
        String[] refresh = new String[n];
        AtomicInteger progress = new AtomicInteger();
        long t0 = System.nanoTime();
        parallel(n, parallel, i -> {
            String email = prefix + "-" + (i + 1) + "@bench.invalid";
            String credentials = "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"";
            ok(post("/api/auth/register", credentials + "}"));
            String body = ok(post("/api/auth/login", credentials + ",\"deviceName\":\"scale " + (i + 1) + "\"}")).body();
            String session = group(SESSION, body);
            access[i] = session + " " + group(ACCESS, body);
            refresh[i] = session + " " + group(REFRESH, body);
            int k = progress.incrementAndGet();
            if (k % 10_000 == 0) {
                System.out.printf("  %,d users and sessions (%.0f/s)%n", k, k / ((System.nanoTime() - t0) / 1e9));
            }
        });
        Files.write(accessFile, List.of(access));
        Files.write(refreshFile, List.of(refresh));
        return String.format("%,d users registered and logged in, %d at a time", n, parallel);
    }

    private static String me(Path accessFile, int n, int parallel) throws Exception {
        List<String> lines = Files.readAllLines(accessFile);
        parallel(n, parallel, i -> ok(http.send(HttpRequest.newBuilder(URI.create(base + "/api/users/me"))
                .header("Authorization", "Bearer " + lines.get(i).split(" ")[1]).GET().build(),
                HttpResponse.BodyHandlers.ofString())));
        return String.format("GET /api/users/me with %,d tokens", n);
    }

    private static String refresh(Path refreshFile, int n, int parallel) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(refreshFile));
        parallel(n, parallel, i -> {
            String[] session = lines.get(i).split(" ");
            String body = ok(post("/api/auth/refresh", "{\"refreshToken\":\"" + session[1] + "\"}")).body();
            lines.set(i, session[0] + " " + group(REFRESH, body));
        });
        Files.write(refreshFile, lines);
        return String.format("refreshed %,d sessions", n);
    }

    private static String settle(Path dump, Path refreshFile) throws Exception {
        java.util.Map<String, String> newest = new java.util.HashMap<>();
        int sent = 0, lost = 0;
        for (String line : Files.readAllLines(dump)) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            if (f[2].equals("1")) {
                sent++;
                HttpResponse<String> response = post("/api/auth/refresh", "{\"refreshToken\":\"" + f[1] + "\"}");
                if (response.statusCode() != 200) {
                    lost++;
                    System.out.println("  session " + f[0] + ": " + response.statusCode() + ", left out");
                    newest.put(f[0], "-");
                    continue;
                }
                f[1] = group(REFRESH, response.body());
            }
            newest.put(f[0], f[1]);
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(refreshFile)) {
            String[] f = line.split(" ");
            lines.add(f[0] + " " + newest.getOrDefault(f[0], f[1]));
        }
        Files.write(refreshFile, lines);
        return String.format("settled: %,d sessions' newest tokens kept, %d in flight sent again, %d lost", newest.size(),
                sent, lost);
    }

    private interface Task {
        void run(int i) throws Exception;
    }

    /** Tasks 0..n-1 on a few threads, each taking the next index; the first failure stops everything. */
    private static void parallel(int n, int threads, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    next.set(n); // the others stop at their next task
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            String body = response.body();
            throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + " -> "
                    + response.statusCode() + " " + body.substring(0, Math.min(200, body.length())));
        }
        return response;
    }

    private static String group(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern.pattern() + " in the answer");
        }
        return m.group(1);
    }
}
