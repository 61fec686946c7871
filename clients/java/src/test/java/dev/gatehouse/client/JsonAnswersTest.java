package dev.gatehouse.client;

import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static dev.gatehouse.client.FakeGatehouse.Answer.json;
import static dev.gatehouse.client.FakeGatehouse.Answer.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What the client reads from Gatehouse's JSON (token responses, problem+json) and what it writes,
 * with org.json: only string members count, and whatever the server or a proxy sends never throws.
 */
class JsonAnswersTest {

    private static final String TOKENS = "\"accessToken\":\"a.b.c\",\"refreshToken\":\"gatehouse_rt_r\",\"sessionId\":\"sid-1\"";

    @Test
    void readsTheTokenStringsAndSkipsEverythingElse() {
        String body = "{\"accessToken\":\"a.b.c\",\"tokenType\":\"Bearer\",\"expiresIn\":900,"
                + "\"nested\":{\"accessToken\":\"no\",\"x\":[1,\"]}\"]},\"ok\":true,\"none\":null,"
                + "\"refreshToken\":\"gatehouse_rt_\\u00e9\\ud83d\\ude00\\/\",\"refreshExpiresIn\":1209600,"
                + "\"sessionId\":\"say \\\"hi\\\"\\n\"}";

        assertEquals(new Tokens("a.b.c", "gatehouse_rt_é\uD83D\uDE00/", "say \"hi\"\n"), Tokens.fromTokenResponse(body));
        assertEquals(new Tokens("a.b.c", "gatehouse_rt_r", "sid-1"), Tokens.fromTokenResponse(" \r\n{ " + TOKENS + " }\n\t"));
    }

    @Test
    void aTokenMemberThatIsMissingOrNotAStringMeansNoTokens() {
        // org.json's optString would read null as "null" and 900 as "900": neither is a token
        for (String value : List.of("null", "900", "1.5e3", "true", "{\"v\":\"x\"}", "[\"x\"]")) {
            assertNull(Tokens.fromTokenResponse("{\"accessToken\":" + value + ",\"refreshToken\":\"r\",\"sessionId\":\"s\"}"), value);
            assertNull(Tokens.fromTokenResponse("{\"accessToken\":\"a\",\"refreshToken\":\"r\",\"sessionId\":" + value + "}"), value);
        }
        assertNull(Tokens.fromTokenResponse("{\"accessToken\":\"a\",\"sessionId\":\"s\"}"));
        assertNull(Tokens.fromTokenResponse("{}"));
    }

    @Test
    void anythingButOneJsonObjectMeansNoTokens() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        for (String body : new String[] {null, "", "   ", "<html>502 Bad Gateway</html>", "{\"accessToken\":\"cut off",
                "{" + TOKENS, "[{" + TOKENS + "}]", "\"" + TOKENS + "\"", "{" + TOKENS + "} trailing",
                "{" + TOKENS + "}{}", "{" + TOKENS + ",\"x\":\"\\q\"}", "{" + TOKENS + ",\"x\":\"\\u00\"}",
                "{" + TOKENS + ",\"x\":\"new\nline\"}", "{" + TOKENS + ",\"x\":" + deep + "}"}) {
            assertNull(Tokens.fromTokenResponse(body), () -> body == null ? "null" : body.substring(0, Math.min(80, body.length())));
        }
    }

    @Test
    void theProblemCodeAndDetailAreReadOnlyAsStrings() {
        GatehouseException limited = GatehouseException.of(429,
                "{\"type\":\"about:blank\",\"status\":429,\"code\":\"rate_limited\",\"detail\":\"try again \\u00e0 7 s\"}", "7");
        assertEquals(429, limited.status());
        assertEquals("rate_limited", limited.code());
        assertEquals("try again à 7 s", limited.getMessage());
        assertEquals(OptionalLong.of(7), limited.retryAfterSeconds());

        GatehouseException nullCode = GatehouseException.of(401, "{\"code\":null,\"detail\":null}", null);
        assertNull(nullCode.code());
        assertEquals("Gatehouse answered HTTP 401", nullCode.getMessage());

        GatehouseException numbers = GatehouseException.of(400, "{\"code\":400,\"detail\":{\"x\":\"y\"}}", "soon");
        assertNull(numbers.code());
        assertEquals("Gatehouse answered HTTP 400", numbers.getMessage());
        assertEquals(OptionalLong.empty(), numbers.retryAfterSeconds());

        GatehouseException gateway = GatehouseException.of(502, "<html><body>Bad Gateway</body></html>", null);
        assertNull(gateway.code());
        assertEquals("Gatehouse answered HTTP 502", gateway.getMessage());

        assertEquals("Gatehouse answered HTTP 403 (forbidden)", GatehouseException.of(403, "{\"code\":\"forbidden\"}", null).getMessage());
    }

    @Test
    void mfaRequiredWithItsTokenIsTypedAndAnythingLessIsAPlainRefusal() {
        GatehouseException required = GatehouseException.of(403,
                "{\"code\":\"mfa_required\",\"detail\":\"Enter the code\",\"mfaToken\":\"gatehouse_mfa_abc\"}", null);
        assertTrue(required instanceof MfaRequiredException);
        assertEquals("gatehouse_mfa_abc", ((MfaRequiredException) required).mfaToken());
        assertEquals("Enter the code", required.getMessage());

        for (String body : new String[] {"{\"code\":\"mfa_required\"}", "{\"code\":\"mfa_required\",\"mfaToken\":7}"}) {
            GatehouseException plain = GatehouseException.of(403, body, null);
            assertFalse(plain instanceof MfaRequiredException, body);
            assertEquals("mfa_required", plain.code());
        }
        assertFalse(GatehouseException.of(401, "{\"code\":\"mfa_required\",\"mfaToken\":\"t\"}", null) instanceof MfaRequiredException);
    }

    @Test
    void theLoginBodyEscapesItsStringsAndLeavesOutAMissingDeviceName() throws Exception {
        String email = "a\"b\\c\u0001/</é\u2028@example.com";
        try (FakeGatehouse server = new FakeGatehouse(call -> call.path().equals("/api/auth/login")
                ? tokens("access-1", "gatehouse_rt_first") : json(404, "{}"))) {
            GatehouseAuth auth = GatehouseAuth.builder(server.url()).build();
            auth.login(email, "pass\"word", null);
            auth.login("b@example.com", "p", "Alice's \"Pixel\"");

            List<FakeGatehouse.Call> logins = server.calls("/api/auth/login");
            String raw = logins.get(0).body();
            assertFalse(raw.contains("\u0001") || raw.contains("\u2028"), raw); // control characters escaped
            JSONObject first = new JSONObject(raw);
            assertEquals(2, first.length(), raw);
            assertEquals(email, first.getString("email"));
            assertEquals("pass\"word", first.getString("password"));
            assertFalse(first.has("deviceName"), raw);
            JSONObject second = new JSONObject(logins.get(1).body());
            assertEquals("Alice's \"Pixel\"", second.getString("deviceName"));
            assertEquals(3, second.length());
        }
    }
}
