package dev.gatehouse.problem;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/api.md "Input rules" under generated hostile input: thousands of malformed bodies, content types, tokens and
 * raw HTTP requests at every endpoint. Every answer must be a 4xx problem+json (or the HTTP layer's
 * own plain 400/413/431), never a 5xx, never a hang. Fixed seed: a failure reproduces.
 */
@QuarkusTest
class HostileInputTest {

    private static final long SEED = 20261124L;
    private static final String[][] ENDPOINTS = {
            {"POST", "/api/auth/register"}, {"POST", "/api/auth/login"}, {"POST", "/api/auth/refresh"},
            {"POST", "/api/auth/logout"}, {"POST", "/api/auth/logout-all"}, {"POST", "/api/auth/password"},
            {"GET", "/api/users/me"}, {"GET", "/api/auth/sessions"}, {"DELETE", "/api/auth/sessions/x"},
            {"GET", "/api/admin/users"}, {"PUT", "/api/admin/users/" + UUID.randomUUID() + "/roles"},
            {"POST", "/api/admin/users/" + UUID.randomUUID() + "/suspend"}, {"GET", "/.well-known/jwks.json"},
            {"DELETE", "/api/users/me"}, {"GET", "/api/users/me/export"}, {"DELETE", "/api/admin/users/" + UUID.randomUUID()},
            {"POST", "/api/auth/passkeys/register/options"}, {"POST", "/api/auth/passkeys/register"},
            {"POST", "/api/auth/passkeys/login/options"}, {"POST", "/api/auth/passkeys/login"}, {"GET", "/api/auth/passkeys"},
            {"PATCH", "/api/auth/passkeys/" + UUID.randomUUID()}, {"DELETE", "/api/auth/passkeys/x"},
            {"GET", "/.well-known/assetlinks.json"}};
    private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=UTF-8",
            "application/json; charset=ISO-8859-1", "text/plain", "application/xml", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json;;;", "*/*", "application/problem+json", "garbage"};

    @TestHTTPResource("/")
    URL base;
    @Inject
    Db db;

    private final Random random = new Random(SEED);

    @Test
    void generatedBodiesContentTypesAndTokensNeverCauseA5xx() throws Exception {
        String validToken = Api.login(Api.register()).accessToken();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int i = 0; i < 1500; i++) {
            String[] endpoint = ENDPOINTS[random.nextInt(ENDPOINTS.length)];
            HttpRequest.Builder request = HttpRequest.newBuilder(base.toURI().resolve(endpoint[1]))
                    .timeout(Duration.ofSeconds(10));
            try {
                if (random.nextInt(3) > 0) {
                    request.header("Content-Type", CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]);
                }
                if (random.nextBoolean()) {
                    request.header("Authorization", hostileAuthorization(validToken));
                }
            } catch (IllegalArgumentException notSendable) {
                continue; // the client refuses such a header; the raw-socket test sends those
            }
            byte[] body = random.nextInt(4) > 0 && !endpoint[0].equals("GET") ? hostileBody() : new byte[0];
            request.method(endpoint[0], body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException hang) {
                failures.add(endpoint[0] + " " + endpoint[1] + ": no answer within 10 s");
                continue;
            }
            cases++;
            int status = response.statusCode();
            String type = response.headers().firstValue("Content-Type").orElse("");
            boolean ok = status == 200 || status == 201 || status == 204 || (status >= 400 && status < 500
                    && (type.startsWith("application/problem+json") || status == 413 || status == 431));
            if (!ok || response.body().contains("Exception")) {
                failures.add(endpoint[0] + " " + endpoint[1] + " -> " + status + " " + type + " "
                        + response.body().substring(0, Math.min(200, response.body().length())));
            }
        }
        assertTrue(cases > 1000, "only " + cases + " cases ran");
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed, first: "
                + failures.subList(0, Math.min(5, failures.size())));
    }

    @Test
    void rawMalformedHttpGetsA4xxOrACloseAndNeverHangs() throws Exception {
        byte[] invalidUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        List<byte[]> requests = new ArrayList<>();
        requests.add(http("GET /api/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + "A".repeat(100_000) + "\r\n\r\n"));
        requests.add(http("GET /api/users/me HTTP/1.1\r\nHost: x\r\n" + "X-Pad: y\r\n".repeat(5000) + "\r\n"));
        requests.add(concat(http("GET /api/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "), invalidUtf8, http("\r\n\r\n")));
        requests.add(concat(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 36\r\n\r\n{\"email\":\""),
                invalidUtf8, http("\",\"password\":\"xxxxxxxx\"}")));
        requests.add(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}"));
        requests.add(http("GET /api/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a.b.c\r\nAuthorization: Bearer d.e.f\r\n\r\n"));
        requests.add(http("GARBAGE\r\n\r\n"));
        requests.add(http("GET /api/users/me HTTP/9.9\r\nHost: x\r\n\r\n"));
        requests.add(http("GET /%zz%00/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"));
        requests.add(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}"));
        requests.add(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}"));
        requests.add(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"));
        requests.add(concat(http("POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n"),
                "[".repeat(30).getBytes(StandardCharsets.US_ASCII)));
        String deep = "{\"email\":" + "[".repeat(3000) + "]".repeat(3000) + "}";
        requests.add(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + deep.length() + "\r\n\r\n" + deep));
        List<String> failures = new ArrayList<>();
        for (byte[] request : requests) {
            String status = exchange(request);
            if (status != null && !status.matches("HTTP/\\d\\.\\d 4\\d\\d.*")) {
                failures.add(status + " for " + new String(request, 0, Math.min(60, request.length), StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        Api.me(Api.login(Api.register()).accessToken()).then().statusCode(200); // and the server is fine afterwards
    }

    /**
     * docs/api.md "Characters": a lone surrogate, a control character or an invisible one in an email,
     * password, display name or device name is 400 validation_failed for that field: never turned
     * into {@code ?}, never a 500. The bodies carry JSON escapes, exactly as a client would send them.
     */
    @Test
    void controlInvisibleAndLoneSurrogateCharactersAreValidationFailures() {
        String loneSurrogates = "\\ud800".repeat(10);
        // A password of ten '?' exists: ten lone surrogates must not log into it.
        String questionMarks = "?".repeat(10);
        String email = Api.uniqueEmail();
        given().contentType(ContentType.JSON).body(Map.of("email", email, "password", questionMarks))
                .post("/api/auth/register").then().statusCode(201);
        String access = Api.login(new Api.Account(email, questionMarks, null)).accessToken();
        String fresh = Api.uniqueEmail();
        String[][] cases = {
                // endpoint, raw JSON body, the field the error names
                {"/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + loneSurrogates + "\"}", "password"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"" + loneSurrogates + "\"}", "password"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"ok password \\udc00 x\"}", "password"},
                {"/api/auth/register", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"long enough password\"}", "email"},
                {"/api/auth/login", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"long enough password\"}", "email"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"long enough password\",\"displayName\":\"Ann\\u0000\"}", "displayName"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"long enough password\",\"displayName\":\"Ann\\u202Eevil\"}", "displayName"},
                {"/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + questionMarks + "\",\"deviceName\":\"phone\\u0000\"}", "deviceName"},
                {"/api/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + questionMarks + "\",\"deviceName\":\"phone\\u001b[2J\"}", "deviceName"},
                {"/api/auth/register", "{\"email\":\"kate\\u200b@example.com\",\"password\":\"long enough password\"}", "email"},
                {"/api/auth/register", "{\"email\":\"kate@example.com\\u00a0\",\"password\":\"long enough password\"}", "email"},
                {"/api/auth/register", "{\"email\":\"ka te@example.com\",\"password\":\"long enough password\"}", "email"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"tab\\tin a password\"}", "password"},
                {"/api/auth/register", "{\"email\":\"" + fresh + "\",\"password\":\"unassigned \\u0378 here\"}", "password"},
        };
        for (String[] c : cases) {
            given().contentType(ContentType.JSON).body(c[1]).post(c[0]).then()
                    .statusCode(400).contentType("application/problem+json")
                    .body("code", is("validation_failed")).body("errors.field", hasItem(c[2]));
        }
        given().auth().oauth2(access).contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"" + questionMarks + "\",\"newPassword\":\"" + loneSurrogates + "\"}")
                .post("/api/auth/password").then().statusCode(400).body("code", is("validation_failed"))
                .body("errors.field", hasItem("newPassword"));
        given().auth().oauth2(access).contentType(ContentType.JSON)
                .body("{\"currentPassword\":\"" + loneSurrogates + "\",\"newPassword\":\"long enough password\"}")
                .post("/api/auth/password").then().statusCode(400).body("code", is("validation_failed"))
                .body("errors.field", hasItem("currentPassword"));
        assertEquals(0L, db.count("select count(*) from users where email like ?", fresh), "nothing was stored");
        // Ordinary non-ASCII text stays welcome.
        given().contentType(ContentType.JSON).body(Map.of("email", Api.uniqueEmail(), "password", "pässwörd ünïcödé 密码 🔑",
                "displayName", "Zoë Ωmega 山田")).post("/api/auth/register").then().statusCode(201);
    }

    /** The admin search applies the same rule to its email parameter. */
    @Test
    void aControlCharacterInTheAdminEmailSearchIsAValidationFailure() {
        Api.Account admin = Api.register();
        db.makeAdmin(admin.id());
        String token = Api.login(admin).accessToken();
        given().auth().oauth2(token).queryParam("email", "a\0b@example.com").get("/api/admin/users").then()
                .statusCode(400).body("code", is("validation_failed")).body("errors.field", hasItem("email"));
        given().auth().oauth2(token).queryParam("email", admin.email()).get("/api/admin/users").then()
                .statusCode(200).body("size()", is(1));
    }

    /** A User-Agent with a NUL is stored without it (PostgreSQL refuses NUL in text), never a 500. */
    @Test
    void aControlCharacterInTheUserAgentIsDropped() throws Exception {
        Api.Account account = Api.register();
        String body = "{\"email\":\"" + account.email() + "\",\"password\":\"" + account.password() + "\"}";
        byte[] request = concat(http("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nUser-Agent: agent"),
                new byte[]{0, 1}, http("x\r\nConnection: close\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
        String status = exchange(request);
        assertTrue(status == null || status.matches("HTTP/1\\.1 (200|400) .*"), "answered " + status);
    }

    /** Sends raw bytes; returns the status line, or null when the server closed without answering. */
    private String exchange(byte[] request) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (java.io.IOException closedEarly) {
                // the server may refuse and close before we finish sending
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1).strip();
            return status.isEmpty() ? null : status;
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server hung on " + new String(request, 0, Math.min(60, request.length),
                    StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketException reset) {
            return null; // connection reset: refused without an answer, which is not a hang
        }
    }

    private String hostileAuthorization(String valid) {
        String[] parts = valid.split("\\.");
        return switch (random.nextInt(9)) {
            case 0 -> "Bearer " + valid.substring(0, random.nextInt(valid.length()));
            case 1 -> "Bearer " + b64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
            case 2 -> "Bearer " + b64("{\"alg\":\"HS256\",\"kid\":\"x\"}") + "." + parts[1] + "." + parts[2];
            case 3 -> "Bearer " + "x".repeat(8000);
            case 4 -> "Bearer " + randomText(40);
            case 5 -> "Basic " + b64("user:" + randomText(10));
            case 6 -> "Bearer " + parts[0] + "." + b64("{\"sub\":" + randomText(5) + "}") + "." + parts[2];
            case 7 -> "Bearer";
            default -> "Bearer " + b64(randomText(20)) + ".." + b64(randomText(20));
        };
    }

    private byte[] hostileBody() {
        String[] fields = {"email", "password", "displayName", "deviceName", "refreshToken", "currentPassword",
                "newPassword", "roles"};
        return switch (random.nextInt(10)) {
            case 0 -> randomBytes(random.nextInt(300));
            case 1 -> "{\"email\":\"a@b.c\",\"password\":\"xxxxxxxxxxxx\"".substring(0, random.nextInt(40)).getBytes(StandardCharsets.UTF_8);
            case 2 -> ("{\"" + fields[random.nextInt(fields.length)] + "\":" + randomValue() + "}").getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"email\":" + randomValue() + ",\"password\":" + randomValue() + ",\"refreshToken\":" + randomValue()
                    + ",\"roles\":" + randomValue() + "}").getBytes(StandardCharsets.UTF_8);
            case 4 -> "[".repeat(random.nextInt(5000)).getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"email\":\"a@b.c\",\"email\":\"d@e.f\",\"password\":\"" + "p".repeat(random.nextInt(300)) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"refreshToken\":\"gatehouse_rt_" + randomText(43) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 7 -> new byte[0];
            case 8 -> ("{\"email\":\"\u0000\uD800\",\"password\":\"\\uD800\\u0000\"}").getBytes(StandardCharsets.UTF_8);
            default -> ("{\"roles\":[" + randomValue() + "," + randomValue() + "]}").getBytes(StandardCharsets.UTF_8);
        };
    }

    private String randomValue() {
        return switch (random.nextInt(9)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 -> "1e999999";
            case 3 -> "true";
            case 4 -> "[]";
            case 5 -> "{\"x\":{\"y\":[1,2,{}]}}";
            case 6 -> "\"" + randomText(random.nextInt(400)).replace("\\", "").replace("\"", "") + "\"";
            case 7 -> "\"" + "9".repeat(5000) + "\"";
            default -> "12345678901234567890123456789012345678901234567890";
        };
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextBoolean() ? 32 + random.nextInt(95) : 0x80 + random.nextInt(0x2F000));
        }
        return text.toString().replaceAll("[\\uD800-\\uDFFF]", "?");
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] http(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
