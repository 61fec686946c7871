package dev.gatehouse.client;

import okhttp3.Authenticator;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.json.JSONObject;
import org.json.JSONTokener;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/** The calls to Gatehouse's token endpoints ({@code /api/auth/*}), and the retry policy of a refresh. */
final class AuthApi {

    // A refresh that fails on the way is retried with the same token. Every retry must reach the
    // server inside its reuse window (docs/tokens.md "Reuse window", 30 s by default), or it counts as a replay and
    // ends the session: 4 attempts of at most 5 s plus 0.2 + 0.4 + 0.8 s of back-off stay well inside.
    static final int REFRESH_ATTEMPTS = 4;
    static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(5);
    static final long FIRST_BACKOFF_MILLIS = 200;
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    /** The calls that carry a DPoP proof when a device key is set: every sign-in, refresh and logout (docs/dpop.md). */
    private static final java.util.Set<String> PROVEN = java.util.Set.of("api/auth/login", "api/auth/login/mfa",
            "api/auth/passkeys/login", "api/auth/refresh", "api/auth/logout");

    private final HttpUrl baseUrl;
    private final OkHttpClient calls;
    private final OkHttpClient refreshCalls;
    private final DpopProofs dpop;

    /** {@code dpop}: null without a device key. */
    AuthApi(HttpUrl baseUrl, OkHttpClient client, DpopProofs dpop) {
        this.baseUrl = baseUrl;
        this.dpop = dpop;
        // A 401 from a token endpoint is the answer, never a cue to refresh: no authenticator here.
        this.calls = client.newBuilder().authenticator(Authenticator.NONE).build();
        // The refresh retries by itself (below), with the same token and a bounded time, so
        // OkHttp's own silent retry is off: every attempt is one this class counts.
        this.refreshCalls = calls.newBuilder().callTimeout(REFRESH_TIMEOUT).retryOnConnectionFailure(false).build();
    }

    Tokens login(String email, String password, String deviceName) throws IOException {
        // put(name, null) leaves the member out: deviceName is optional
        JSONObject body = new JSONObject().put("email", email).put("password", password).put("deviceName", deviceName);
        return signIn("api/auth/login", body);
    }

    /** {@code POST api/auth/login/mfa}: the second step with a TOTP {@code code} or a {@code recoveryCode} member. */
    Tokens loginMfa(String mfaToken, String member, String value) throws IOException {
        return signIn("api/auth/login/mfa", new JSONObject().put("mfaToken", mfaToken).put(member, value));
    }

    /** A sign-in call: its token response, or its refusal thrown. */
    private Tokens signIn(String path, JSONObject body) throws IOException {
        try (Response response = calls.newCall(post(path, body)).execute()) {
            String text = response.body().string();
            Tokens tokens = response.code() == 200 ? Tokens.fromTokenResponse(text) : null;
            if (tokens == null) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
            return tokens;
        }
    }

    /** {@code POST api/auth/passkeys/login/options}: a discoverable sign-in's flow and options. */
    PasskeyOptions passkeyLoginOptions() throws IOException {
        try (Response response = calls.newCall(post("api/auth/passkeys/login/options", new JSONObject())).execute()) {
            String text = response.body().string();
            if (response.code() != 200) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
            return passkeyOptions(text);
        }
    }

    /** {@code POST api/auth/passkeys/login}: the authenticator's answer for the flow, for a new session. */
    Tokens passkeyLogin(String flowId, JSONObject credential, String deviceName) throws IOException {
        JSONObject body = new JSONObject().put("flowId", flowId).put("credential", credential).put("deviceName", deviceName);
        return signIn("api/auth/passkeys/login", body);
    }

    /** {@code {flowId, publicKey}}: the options go on as JSON text, for Credential Manager. */
    static PasskeyOptions passkeyOptions(String text) throws GatehouseException {
        JSONObject answer = object(text);
        String flowId = string(answer, "flowId");
        JSONObject publicKey = answer.optJSONObject("publicKey");
        if (flowId == null || publicKey == null) {
            throw new GatehouseException(200, null, "Gatehouse answered the passkey options without flowId or publicKey",
                    java.util.OptionalLong.empty());
        }
        return new PasskeyOptions(flowId, publicKey.toString());
    }

    /**
     * Exchanges the refresh token for a new pair. A lost answer, a timeout or a 502/503/504 is
     * retried with the same token: inside the reuse window Gatehouse answers with the same
     * successor (docs/tokens.md "Reuse window"). Any other refusal, 401 included, is thrown as {@link GatehouseException}.
     */
    Tokens refresh(String refreshToken) throws IOException {
        IOException lastFailure = null;
        for (int attempt = 0; attempt < REFRESH_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                pause(FIRST_BACKOFF_MILLIS << (attempt - 1));
            }
            Response response;
            String text;
            try {
                response = refreshCalls.newCall(post("api/auth/refresh", new JSONObject().put("refreshToken", refreshToken))).execute();
                try (response) {
                    text = response.body().string();
                }
            } catch (IOException lost) {
                lastFailure = lost; // the server may have rotated: only the same token gets the successor
                continue;
            }
            if (response.code() == 200) {
                Tokens tokens = Tokens.fromTokenResponse(text);
                if (tokens != null) {
                    return tokens;
                }
                lastFailure = GatehouseException.of(200, text, null); // a cut-off body counts as a lost answer
                continue;
            }
            GatehouseException refused = GatehouseException.of(response.code(), text, response.header("Retry-After"));
            if (!retryable(response.code())) {
                throw refused;
            }
            lastFailure = refused;
        }
        throw lastFailure;
    }

    /** Revokes the token's whole session; Gatehouse answers 204 also for an unknown or revoked token. */
    void logout(String refreshToken) throws IOException {
        try (Response response = calls.newCall(post("api/auth/logout", new JSONObject().put("refreshToken", refreshToken))).execute()) {
            String text = response.body().string();
            if (response.code() != 204) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
        }
    }

    /**
     * Answers after which the server may or may not have rotated the token: 503 is Gatehouse's own
     * "nothing was changed" (docs/operations.md "Database outages"); 502 and 504 come from a gateway that lost the answer.
     */
    private static boolean retryable(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /**
     * A POST to a token endpoint. Sign-ins, refreshes and logouts carry a fresh DPoP proof when a device key is
     * set: each attempt of a retried refresh signs its own (a proof is accepted once), with the same key, so a
     * retry gets the same successor.
     */
    private Request post(String path, JSONObject json) throws IOException {
        HttpUrl url = baseUrl.newBuilder().addPathSegments(path).build();
        Request.Builder request = new Request.Builder().url(url).header("Accept", "application/json")
                .post(RequestBody.create(json.toString(), JSON));
        if (dpop != null && PROVEN.contains(path)) {
            request.header("DPoP", dpop.proof("POST", url));
        }
        return request.build();
    }

    /**
     * The top-level JSON object of an answer's body; an empty object when the body is anything else
     * (a proxy's HTML error page, a body cut off, an array, text after the object; with org.json:json
     * also a duplicate name, which Android's org.json reads as the last one).
     * Never throws: the body comes from the network.
     */
    static JSONObject object(String body) {
        if (body == null) {
            return new JSONObject();
        }
        try {
            JSONTokener tokener = new JSONTokener(body);
            Object value = tokener.nextValue();
            // nextValue stops after the value; nextClean is 0 only when nothing but white space follows
            return value instanceof JSONObject object && tokener.nextClean() == 0 ? object : new JSONObject();
        } catch (Exception notJson) {
            // JSONException: unchecked in org.json:json, checked in Android's own org.json, hence Exception
            return new JSONObject();
        } catch (StackOverflowError tooDeep) {
            // org.json:json stops deep nesting itself; Android's org.json recurses without a limit
            return new JSONObject();
        }
    }

    /**
     * The member's value when it is a JSON string, else {@code null} (missing, a number, {@code null},
     * an object...): org.json's {@code optString} would give "900" for a number and "null" for null.
     */
    static String string(JSONObject object, String name) {
        return object.opt(name) instanceof String value ? value : null;
    }

    private static void pause(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between refresh attempts");
        }
    }
}
