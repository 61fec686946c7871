package dev.gatehouse.passkey;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.gatehouse.passkey.Ceremonies.finishLogin;
import static dev.gatehouse.passkey.Ceremonies.finishRegistration;
import static dev.gatehouse.passkey.Ceremonies.loginOptions;
import static dev.gatehouse.passkey.Ceremonies.registrationOptions;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Genuine ceremony responses with one binary field damaged (a flipped byte, cut short, lengthened, replaced by
 * random bytes of up to 30 KB, not base64 at all, or another JSON type): a sign-in is always 401 problem+json
 * (the signature covers every byte), a registration 201 or 400 problem+json (a "none" attestation signs
 * nothing, so a changed credential id can still verify), never a 5xx. Fixed seed: a failure reproduces.
 */
@QuarkusTest
class PasskeyHostileResponsesTest {

    private static final long SEED = 20261203L;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Inject
    Db db;

    private final Random random = new Random(SEED);

    @Test
    void aDamagedAssertionIsAlwaysInvalidCredentials() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        List<String> fields = List.of("clientDataJSON", "authenticatorData", "signature", "userHandle");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            Ceremonies.Options options = loginOptions();
            Map<String, Object> credential = authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
            String field = fields.get(i % fields.size());
            String how = damage(response(credential), field);
            Response response = finishLogin(options.flowId(), credential);
            if (response.statusCode() != 401 || !isProblem(response)) {
                failures.add(field + " " + how + " -> " + response.statusCode() + " " + shortBody(response));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed, first: " + failures.subList(0, Math.min(5, failures.size())));
        // the genuine authenticator is unharmed
        Ceremonies.signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
    }

    @Test
    void aDamagedAttestationIsAClientErrorAtWorst() {
        Ceremonies.SignedIn user = verifiedUser(db);
        List<String> fields = List.of("clientDataJSON", "attestationObject", "id", "rawId");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
            Map<String, Object> credential = SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
            String field = fields.get(i % fields.size());
            String how = field.endsWith("Id") || field.equals("id") ? damage(credential, field) : damage(response(credential), field);
            Response response = finishRegistration(user.tokens().accessToken(), options.flowId(), credential, null);
            boolean ok = response.statusCode() == 201 || (response.statusCode() == 400 && isProblem(response));
            if (!ok) {
                failures.add(field + " " + how + " -> " + response.statusCode() + " " + shortBody(response));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed, first: " + failures.subList(0, Math.min(5, failures.size())));
    }

    @Test
    void aBodyOverTheSizeLimitIsRefusedBeforeAnyParsing() {
        Ceremonies.Options options = loginOptions();
        Map<String, Object> credential = SoftwareAuthenticator.es256().get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        response(credential).put("signature", B64.encodeToString(new byte[100_000]));
        Response response = given().contentType(ContentType.JSON)
                .body(Map.of("flowId", options.flowId(), "credential", credential)).post("/api/auth/passkeys/login");
        assertEquals(413, response.statusCode(), shortBody(response));
        assertTrue(isProblem(response), response.contentType());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> response(Map<String, Object> credential) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) credential.get("response"));
        credential.put("response", copy);
        return copy;
    }

    /** Damages {@code field} of {@code json} in one of several ways; says how. */
    private String damage(Map<String, Object> json, String field) {
        Object value = json.get(field);
        byte[] bytes = value instanceof String text ? decodeOrEmpty(text) : new byte[0];
        int way = random.nextInt(8);
        switch (way) {
            case 0 -> {
                if (bytes.length == 0) {
                    bytes = new byte[1];
                }
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                json.put(field, B64.encodeToString(bytes));
                return "one byte changed";
            }
            case 1 -> {
                json.put(field, B64.encodeToString(Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length))));
                return "cut short";
            }
            case 2 -> {
                byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64));
                json.put(field, B64.encodeToString(longer));
                return "lengthened";
            }
            case 3 -> {
                byte[] noise = new byte[random.nextInt(30_000)];
                random.nextBytes(noise);
                json.put(field, B64.encodeToString(noise));
                return "random " + noise.length + " bytes";
            }
            case 4 -> {
                json.put(field, "%%not base64%%");
                return "not base64";
            }
            case 5 -> {
                json.put(field, B64.encodeToString("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                return "an empty JSON object's bytes";
            }
            case 6 -> {
                json.put(field, random.nextBoolean() ? List.of(1, 2) : Map.of("x", 1));
                return "another JSON type";
            }
            default -> {
                json.put(field, random.nextBoolean() ? "" : 12345);
                return "empty or a number";
            }
        }
    }

    private static byte[] decodeOrEmpty(String text) {
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static boolean isProblem(Response response) {
        return response.contentType() != null && response.contentType().startsWith("application/problem+json")
                && !response.asString().contains("Exception");
    }

    private static String shortBody(Response response) {
        String body = response.asString();
        return body.substring(0, Math.min(200, body.length()));
    }
}
