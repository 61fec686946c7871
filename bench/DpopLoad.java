import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load of bench/dpop.sh (bench/README.md "DPoP"): refreshes of sessions bound to a DPoP key next to refreshes of
 * unbound sessions, on the same users, closed loop, in one run.
 * <pre>
 *   javac -cp JOSE4J -d OUT bench/ClosedLoop.java bench/DpopLoad.java
 *   java -cp JOSE4J:OUT DpopLoad BASE PREFIX USERS PASSWORD SERVER_PID CLK_TCK CLIENTS SECONDS WARMUP ROUNDS CSV
 * </pre>
 * The users PREFIX-1..USERS@bench.invalid exist with PASSWORD. Each signs in twice: once without a proof (an unbound
 * session) and once with a proof from its own P-256 key (a bound one). Then a warm-up (WARMUP s of each kind at the
 * largest client count), then for each client count in CLIENTS (comma-separated) ROUNDS x (SECONDS of bound
 * refreshes, SECONDS of unbound ones). A client owns its sessions (no two refresh one token at once) and signs a
 * fresh proof for each bound refresh, outside the timed request. Server CPU per refresh: utime + stime of SERVER_PID
 * over the phase / successful refreshes (bench/ClosedLoop.java, compiled with this file). Prints a Markdown table,
 * writes CSV.
 */
public class DpopLoad {

    static final Pattern REFRESH_TOKEN = Pattern.compile("\"refreshToken\":\"([^\"]+)\"");
    static final Pattern BOUND = Pattern.compile("\"refreshTokenBound\":true");
    static HttpClient http;
    static String base, password;

    /** One user's two sessions; owned by one client thread at a time. */
    static final class Account {
        String email;
        EllipticCurveJsonWebKey key;
        String bound, unbound;
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        String prefix = args[1];
        int users = Integer.parseInt(args[2]);
        password = args[3];
        ClosedLoop loop = new ClosedLoop(Long.parseLong(args[4]), Long.parseLong(args[5]));
        int[] clientCounts = Arrays.stream(args[6].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[7]), warmup = Integer.parseInt(args[8]), rounds = Integer.parseInt(args[9]);
        Path csv = Path.of(args[10]);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        Account[] accounts = new Account[users];
        for (int i = 0; i < users; i++) {
            Account a = new Account();
            a.email = prefix + "-" + (i + 1) + "@bench.invalid";
            a.key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            String login = "{\"email\":\"" + a.email + "\",\"password\":\"" + password + "\"}";
            a.unbound = token(post("/api/auth/login", login, null), false);
            a.bound = token(post("/api/auth/login", login, proof(a, "/api/auth/login")), true);
            accounts[i] = a;
        }
        System.err.println("signed in " + users + " users twice");
        int max = Arrays.stream(clientCounts).max().orElse(1);
        List<String> kinds = List.of("bound", "unbound");
        for (String kind : kinds) {
            loop.run(kind, accounts, max, warmup, a -> refresh(a, kind.equals("bound")));
        }
        List<ClosedLoop.Phase> phases = new ArrayList<>();
        for (int clients : clientCounts) {
            for (int r = 0; r < rounds; r++) {
                for (String kind : kinds) {
                    phases.add(loop.run(kind, accounts, clients, seconds, a -> refresh(a, kind.equals("bound"))));
                }
            }
        }
        ClosedLoop.report(phases, clientCounts, kinds, "refreshes", csv);
    }

    static String proof(Account a, String path) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setStringClaim("htm", "POST");
        claims.setStringClaim("htu", base + path);
        claims.setIssuedAtToNow();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setHeader("typ", "dpop+jwt");
        jws.setJwkHeader(a.key);
        jws.setKey(a.key.getPrivateKey());
        return jws.getCompactSerialization();
    }

    static String token(HttpResponse<String> response, boolean bound) {
        Matcher m = REFRESH_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find() || BOUND.matcher(response.body()).find() != bound) {
            throw new IllegalStateException("sign-in: " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    /** One refresh of the account's session of this kind; keeps the successor. */
    static boolean refresh(Account a, boolean bound) throws Exception {
        String proof = bound ? proof(a, "/api/auth/refresh") : null;
        HttpResponse<String> response = post("/api/auth/refresh",
                "{\"refreshToken\":\"" + (bound ? a.bound : a.unbound) + "\"}", proof);
        Matcher m = REFRESH_TOKEN.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            return false;
        }
        if (bound) {
            a.bound = m.group(1);
        } else {
            a.unbound = m.group(1);
        }
        return true;
    }

    static HttpResponse<String> post(String path, String body, String proof) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
