import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load of bench/mail.sh's reset mode (bench/README.md "Reset mail latency"): password-reset requests, each
 * for its own user (a user gets a few reset mails an hour), timed against the arrival of their mails at
 * bench/SmtpSink.java. Times are wall-clock microseconds, as the sink records them. JDK only:
 * <pre>
 *   java bench/ResetLoad.java register BASE FIRST COUNT PARALLEL PREFIX PASSWORD
 *       registers PREFIX-i@mail.bench for i in FIRST .. FIRST+COUNT-1
 *   java bench/ResetLoad.java forgot   BASE FIRST REQUESTERS PER-REQUESTER PREFIX OUT
 *       REQUESTERS threads, each sending POST /api/auth/password/forgot back to back for its own PER-REQUESTER
 *       users (requester r: users FIRST + r*PER-REQUESTER ...); OUT gets "address sent_micros answered_micros"
 *   java bench/ResetLoad.java report   SENT ARRIVALS QUEUED
 *       joins OUT with the sink's /arrivals ("address micros") and QUEUED ("address micros": when the reset's
 *       secret was issued and its mail queued, from one_time_secrets.created_at); prints one CSV line: requests,
 *       answer p50/p99 ms, requests/s, delivered, missing, duplicates, latency p50/p90/p99/max ms, mails/s (first
 *       request to last arrival), request to queued p50/p99 ms, queued to arrival p50/p99 ms
 * </pre>
 * Any answer other than the expected status stops it with exit status 1.
 */
public class ResetLoad {

    private static HttpClient http;

    public static void main(String[] args) throws Exception {
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        switch (args[0]) {
            case "register" -> register(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5], args[6]);
            case "forgot" -> forgot(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), args[5], Path.of(args[6]));
            case "report" -> report(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    private static String address(String prefix, int i) {
        return prefix + "-" + i + "@mail.bench";
    }

    private static void register(String base, int first, int count, int parallel, String prefix, String password)
            throws Exception {
        AtomicInteger next = new AtomicInteger(first);
        run(parallel, r -> {
            for (int i = next.getAndIncrement(); i < first + count; i = next.getAndIncrement()) {
                post(base, "/api/auth/register", "{\"email\":\"" + address(prefix, i) + "\",\"password\":\"" + password + "\"}", 201);
            }
        });
    }

    private static void forgot(String base, int first, int requesters, int perRequester, String prefix, Path out)
            throws Exception {
        String[][] lines = new String[requesters][perRequester];
        run(requesters, r -> {
            for (int j = 0; j < perRequester; j++) {
                String email = address(prefix, first + r * perRequester + j);
                long sent = micros();
                post(base, "/api/auth/password/forgot", "{\"email\":\"" + email + "\"}", 202);
                lines[r][j] = email + " " + sent + " " + micros();
            }
        });
        List<String> all = new ArrayList<>();
        for (String[] requester : lines) {
            all.addAll(Arrays.asList(requester));
        }
        Files.write(out, all);
    }

    private static void report(Path sentFile, Path arrivalsFile, Path queuedFile) throws Exception {
        Map<String, long[]> sent = new HashMap<>(); // address -> sent, answered
        for (String line : Files.readAllLines(sentFile)) {
            String[] f = line.split(" ");
            sent.put(f[0], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        Map<String, Long> arrived = new HashMap<>(); // the first arrival per address
        int duplicates = 0;
        for (String line : Files.readAllLines(arrivalsFile)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            if (!sent.containsKey(f[0])) {
                continue; // not one of this run's requests
            }
            if (arrived.putIfAbsent(f[0], Long.parseLong(f[1])) != null) {
                duplicates++;
            }
        }
        Map<String, Long> queued = new HashMap<>();
        for (String line : Files.readAllLines(queuedFile)) {
            String[] f = line.split(" ");
            if (f.length == 2) {
                queued.put(f[0], Long.parseLong(f[1]));
            }
        }
        List<Double> toQueue = new ArrayList<>();
        List<Double> toArrival = new ArrayList<>();
        long firstSent = Long.MAX_VALUE, lastAnswer = 0, lastArrival = 0;
        double[] answers = new double[sent.size()];
        List<Double> latencies = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, long[]> request : sent.entrySet()) {
            long[] t = request.getValue();
            firstSent = Math.min(firstSent, t[0]);
            lastAnswer = Math.max(lastAnswer, t[1]);
            answers[k++] = (t[1] - t[0]) / 1e3;
            Long arrival = arrived.get(request.getKey());
            if (arrival != null) {
                latencies.add((arrival - t[0]) / 1e3);
                lastArrival = Math.max(lastArrival, arrival);
            }
            Long queuedAt = queued.get(request.getKey());
            if (queuedAt != null) {
                toQueue.add((queuedAt - t[0]) / 1e3);
                if (arrival != null) {
                    toArrival.add((arrival - queuedAt) / 1e3);
                }
            }
        }
        double[] latency = sorted(latencies);
        double[] queueing = sorted(toQueue);
        double[] sending = sorted(toArrival);
        Arrays.sort(answers);
        System.out.printf("%d,%.1f,%.1f,%.0f,%d,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f%n", sent.size(),
                rank(answers, 50), rank(answers, 99), sent.size() / ((lastAnswer - firstSent) / 1e6),
                arrived.size(), sent.size() - arrived.size(), duplicates,
                rank(latency, 50), rank(latency, 90), rank(latency, 99), latency.length == 0 ? Double.NaN : latency[latency.length - 1],
                arrived.size() / ((lastArrival - firstSent) / 1e6),
                rank(queueing, 50), rank(queueing, 99), rank(sending, 50), rank(sending, 99));
    }

    private static double[] sorted(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** Nearest-rank percentile of sorted values. */
    private static double rank(double[] sorted, int percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private interface Worker {
        void run(int index) throws Exception;
    }

    private static void run(int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int r = 0; r < threads; r++) {
                int index = r;
                futures.add(pool.submit(() -> {
                    worker.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void post(String base, String path, String json, int expected) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            System.err.println(path + ": " + response.statusCode() + " " + response.body());
            System.exit(1);
        }
    }
}
