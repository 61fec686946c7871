import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The closed loop, the server-CPU accounting and the report that bench/PasskeyLoad.java and bench/DpopLoad.java
 * share (compiled with them by bench/passkey.sh and bench/dpop.sh). Client t of C owns the accounts t, t+C, t+2C, ...:
 * no account is used by two clients at once. Server CPU per call: utime + stime of the server's process over the
 * phase / successful calls.
 */
final class ClosedLoop {

    /** One call for one account; true when it succeeded. */
    interface Call<A> {
        boolean call(A account) throws Exception;
    }

    record Phase(String kind, int clients, double seconds, long ok, long errors, long[] latencies, double cpuMs) {

        double cpuMsPerCall() {
            return cpuMs / Math.max(1, ok);
        }
    }

    private final long pid;
    private final long clkTck;

    /** {@code pid}: the server's process; {@code clkTck}: {@code getconf CLK_TCK}. */
    ClosedLoop(long pid, long clkTck) {
        this.pid = pid;
        this.clkTck = clkTck;
    }

    <A> Phase run(String kind, A[] accounts, int clients, int seconds, Call<A> call) throws Exception {
        AtomicLong ok = new AtomicLong(), errors = new AtomicLong();
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        long cpu0 = cpuTicks(), start = System.nanoTime(), deadline = start + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            int client = t;
            latencies[t] = new long[500_000];
            Thread thread = new Thread(() -> {
                int n = 0, next = client;
                while (System.nanoTime() < deadline) {
                    A account = accounts[next];
                    next += clients;
                    if (next >= accounts.length) {
                        next = client;
                    }
                    long t0 = System.nanoTime();
                    boolean success;
                    try {
                        success = call.call(account);
                    } catch (Exception e) {
                        success = false;
                    }
                    (success ? ok : errors).incrementAndGet();
                    if (n < latencies[client].length) {
                        latencies[client][n++] = System.nanoTime() - t0;
                    }
                }
                counts[client] = n;
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuMs = (cpuTicks() - cpu0) * 1000.0 / clkTck;
        long[] all = new long[Arrays.stream(counts).sum()];
        int k = 0;
        for (int t = 0; t < clients; t++) {
            System.arraycopy(latencies[t], 0, all, k, counts[t]);
            k += counts[t];
        }
        Phase phase = new Phase(kind, clients, elapsed, ok.get(), errors.get(), all, cpuMs);
        System.err.printf("%s %d clients: %.1f/s, %.3f ms CPU, %d errors%n", kind, clients, phase.ok() / phase.seconds(),
                phase.cpuMsPerCall(), phase.errors());
        return phase;
    }

    private long cpuTicks() throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 on
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (14), stime (15)
    }

    /** A Markdown table on standard output (one row per kind and client count) and every phase in the CSV. */
    static void report(List<Phase> phases, int[] clientCounts, List<String> kinds, String calls, Path csv) throws Exception {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
            out.printf("kind,clients,phase,seconds,%s,errors,%s_per_s,p50_ms,p99_ms,server_cpu_ms_per_call%n", calls, calls);
            System.out.printf("| kind | clients | phases | %s/s (each phase) | p50 ms | p99 ms | errors | server CPU ms per call (each phase) | all phases: CPU ms per call |%n", calls);
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (int clients : clientCounts) {
                for (String kind : kinds) {
                    List<Phase> mine = phases.stream().filter(p -> p.kind().equals(kind) && p.clients() == clients).toList();
                    List<String> rates = new ArrayList<>(), cpus = new ArrayList<>();
                    long ok = 0, errors = 0;
                    double cpu = 0;
                    int i = 1;
                    for (Phase p : mine) {
                        double rate = p.ok() / p.seconds();
                        out.printf("%s,%d,%d,%.1f,%d,%d,%.1f,%.2f,%.2f,%.3f%n", kind, clients, i++, p.seconds(), p.ok(),
                                p.errors(), rate, pct(p.latencies(), 0.50), pct(p.latencies(), 0.99), p.cpuMsPerCall());
                        rates.add(String.format("%.1f", rate));
                        cpus.add(String.format("%.3f", p.cpuMsPerCall()));
                        ok += p.ok();
                        errors += p.errors();
                        cpu += p.cpuMs();
                    }
                    long[] all = mine.stream().flatMapToLong(p -> Arrays.stream(p.latencies())).toArray();
                    System.out.printf("| %s | %d | %d | %s | %.2f | %.2f | %d | %s | %.3f |%n", kind, clients, mine.size(),
                            String.join(" / ", rates), pct(all, 0.50), pct(all, 0.99), errors, String.join(" / ", cpus),
                            cpu / Math.max(1, ok));
                }
            }
        }
    }

    static double pct(long[] nanos, double q) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
