import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The load of bench/resource-server.sh (bench/README.md "Revocation feed"): GET /api/orders with a valid token on two
 * instances of the example resource server, one with clients/resource-server following the feed and one with it
 * switched off, alternating, closed loop.
 * <pre>
 *   javac -d OUT bench/ClosedLoop.java bench/ResourceServerLoad.java
 *   java -cp OUT ResourceServerLoad WITH_URL WITH_PID WITHOUT_URL WITHOUT_PID CLK_TCK TOKEN CLIENTS SECONDS WARMUP ROUNDS CSV
 * </pre>
 * Server CPU per request: utime + stime of that example's process over the phase / successful requests
 * (bench/ClosedLoop.java).
 */
public class ResourceServerLoad {

    static HttpClient http;

    public static void main(String[] args) throws Exception {
        String withUrl = args[0], withoutUrl = args[2], token = args[5];
        long clkTck = Long.parseLong(args[4]);
        ClosedLoop with = new ClosedLoop(Long.parseLong(args[1]), clkTck);
        ClosedLoop without = new ClosedLoop(Long.parseLong(args[3]), clkTck);
        int[] clientCounts = Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[7]), warmup = Integer.parseInt(args[8]), rounds = Integer.parseInt(args[9]);
        Path csv = Path.of(args[10]);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String[] tokens = new String[64];
        Arrays.fill(tokens, token);
        int max = Arrays.stream(clientCounts).max().orElse(1);
        with.run("with library", tokens, max, warmup, t -> get(withUrl, t));
        without.run("without", tokens, max, warmup, t -> get(withoutUrl, t));
        List<ClosedLoop.Phase> phases = new ArrayList<>();
        for (int clients : clientCounts) {
            for (int r = 0; r < rounds; r++) {
                phases.add(with.run("with library", tokens, clients, seconds, t -> get(withUrl, t)));
                phases.add(without.run("without", tokens, clients, seconds, t -> get(withoutUrl, t)));
            }
        }
        ClosedLoop.report(phases, clientCounts, List.of("with library", "without"), "requests", csv);
    }

    static boolean get(String base, String token) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/orders"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200;
    }
}
