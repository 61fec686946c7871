package dev.gatehouse.client;

import okhttp3.Authenticator;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.json.JSONArray;
import org.json.JSONObject;
import org.json.JSONTokener;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * The HTTP of the account calls (docs/clients.md "Account calls"). Signed-in calls go through the
 * authenticated client, so they carry the access token and share its refresh on 401; the others go
 * through a client without interceptor or authenticator and carry no token.
 */
final class AccountApi {

    static final String ME = "api/users/me";
    static final String EXPORT = "api/users/me/export";
    static final String FORGOT_PASSWORD = "api/auth/password/forgot";
    static final String RESET_PASSWORD = "api/auth/password/reset";
    static final String EMAIL_VERIFICATION = "api/auth/email/verification";
    static final String VERIFY_EMAIL = "api/auth/email/verify";
    static final String CHANGE_EMAIL = "api/auth/email";
    static final String CONFIRM_EMAIL_CHANGE = "api/auth/email/confirm";
    static final String PASSKEY_REGISTER_OPTIONS = "api/auth/passkeys/register/options";
    static final String PASSKEY_REGISTER = "api/auth/passkeys/register";
    static final String PASSKEYS = "api/auth/passkeys";
    static final String TOTP_SETUP = "api/auth/mfa/totp/setup";
    static final String TOTP_CONFIRM = "api/auth/mfa/totp/confirm";
    static final String TOTP = "api/auth/mfa/totp";
    static final String RECOVERY_CODES = "api/auth/mfa/recovery-codes";

    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final HttpUrl baseUrl;
    private final OkHttpClient anonymous;
    private final OkHttpClient signedIn;

    /**
     * @param client   the builder's client, for calls without a token (a 401 there is an answer)
     * @param signedIn the client with the interceptor and authenticator
     */
    AccountApi(HttpUrl baseUrl, OkHttpClient client, OkHttpClient signedIn) {
        this.baseUrl = baseUrl;
        this.anonymous = client.newBuilder().authenticator(Authenticator.NONE).build();
        this.signedIn = signedIn;
    }

    /** A POST without a token; any 2xx is success. */
    void postAnonymous(String path, JSONObject body) throws IOException {
        call(anonymous, request(path).post(RequestBody.create(body.toString(), JSON)).build());
    }

    /** A POST with the access token; {@code body} may be {@code null} for an empty one. */
    void postSignedIn(String path, JSONObject body) throws IOException {
        call(signedIn, request(path).post(RequestBody.create(body == null ? "" : body.toString(), JSON)).build());
    }

    /** A POST with the access token whose answer must be {@code status} with one JSON object, returned as text. */
    String postSignedInForJson(String path, JSONObject body, int status) throws IOException {
        Request request = request(path).post(RequestBody.create(body == null ? "" : body.toString(), JSON)).build();
        try (Response response = signedIn.newCall(request).execute()) {
            String text = response.body().string();
            if (response.code() != status) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
            if (AuthApi.object(text).length() == 0) {
                throw new GatehouseException(response.code(), null, "Gatehouse answered " + path + " with something other than a JSON object",
                        OptionalLong.empty());
            }
            return text;
        }
    }

    /** A DELETE with a JSON body and the access token. */
    void deleteSignedIn(String path, JSONObject body) throws IOException {
        call(signedIn, request(path).delete(RequestBody.create(body.toString(), JSON)).build());
    }

    /** A DELETE without a body of {@code path/segment} (the segment escaped: an id from the network) with the access token. */
    void deleteSignedIn(String path, String segment) throws IOException {
        call(signedIn, request(path, segment).delete().build());
    }

    /** A PATCH with a JSON body of {@code path/segment} with the access token. */
    void patchSignedIn(String path, String segment, JSONObject body) throws IOException {
        call(signedIn, request(path, segment).patch(RequestBody.create(body.toString(), JSON)).build());
    }

    /** A GET with the access token whose answer must be 200 with one JSON array. */
    JSONArray getSignedInArray(String path) throws IOException {
        try (Response response = signedIn.newCall(request(path).get().build()).execute()) {
            String text = response.body().string();
            if (response.code() != 200) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
            JSONArray array = array(text);
            if (array == null) {
                throw new GatehouseException(200, null, "Gatehouse answered " + path + " with something other than a JSON array",
                        OptionalLong.empty());
            }
            return array;
        }
    }

    /** The body's one JSON array, or {@code null}; never throws, as {@link AuthApi#object(String)}. */
    private static JSONArray array(String body) {
        try {
            JSONTokener tokener = new JSONTokener(body);
            Object value = tokener.nextValue();
            return value instanceof JSONArray array && tokener.nextClean() == 0 ? array : null;
        } catch (Exception notJson) {
            return null;
        } catch (StackOverflowError tooDeep) {
            return null;
        }
    }

    /** A GET with the access token whose answer must be 200 with one JSON object. */
    JSONObject getSignedIn(String path) throws IOException {
        try (Response response = signedIn.newCall(request(path).get().build()).execute()) {
            String text = response.body().string();
            if (response.code() != 200) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
            JSONObject object = AuthApi.object(text);
            if (object.length() == 0) {
                throw new GatehouseException(200, null, "Gatehouse answered " + path + " with something other than a JSON object",
                        OptionalLong.empty());
            }
            return object;
        }
    }

    private static void call(OkHttpClient client, Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            String text = response.body().string();
            if (!response.isSuccessful()) {
                throw GatehouseException.of(response.code(), text, response.header("Retry-After"));
            }
        }
    }

    private Request.Builder request(String path) {
        return new Request.Builder().url(baseUrl.newBuilder().addPathSegments(path).build()).header("Accept", "application/json");
    }

    private Request.Builder request(String path, String segment) {
        return new Request.Builder().url(baseUrl.newBuilder().addPathSegments(path).addPathSegment(segment).build())
                .header("Accept", "application/json");
    }
}
