package dev.gatehouse.client;

import okhttp3.Authenticator;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;
import org.json.JSONArray;
import org.json.JSONObject;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Collections;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Signs a user in to Gatehouse and makes OkHttp send authenticated requests, refreshing the access
 * token when it runs out.
 *
 * <pre>{@code
 * GatehouseAuth auth = GatehouseAuth.builder("https://auth.shop.example")
 *         .apiHosts("api.shop.example")
 *         .tokenStore(keystoreTokenStore)
 *         .sessionListener(reason -> showSignIn())
 *         .build();
 * auth.login(email, password, "Alice's Pixel");
 * OkHttpClient api = auth.authenticatedClient();   // or add interceptor() and authenticator() yourself
 * }</pre>
 *
 * The refresh is reactive: {@link #interceptor()} puts {@code Authorization: Bearer} on requests
 * to the API hosts, and on a 401 {@link #authenticator()} refreshes once for every request that
 * meets a 401 meanwhile (single flight) and hands OkHttp the request with the new token, which
 * OkHttp sends once more. Thread-safe; use one instance per app.
 */
public final class GatehouseAuth {

    private static final String BEARER = "Bearer ";

    private final AuthApi api;
    private final AccountApi account;
    private final TokenStore store;
    private final SessionListener listener;
    private final Set<String> apiHosts;
    private final OkHttpClient authenticatedClient;
    private final DpopKeys dpopKeys;

    private final Object lock = new Object();
    /** What the interceptor sends; guarded by {@code lock}, loaded from the store on first use. */
    private Tokens held;
    private boolean restored;
    /** The one refresh under way, shared by every request that got a 401 meanwhile; guarded by {@code lock}. */
    private CompletableFuture<String> refreshing;

    private GatehouseAuth(Builder builder) {
        this.dpopKeys = builder.dpopKeys;
        this.api = new AuthApi(builder.baseUrl, builder.client, dpopKeys == null ? null : new DpopProofs(dpopKeys));
        this.store = builder.store;
        this.listener = builder.listener;
        this.apiHosts = Collections.unmodifiableSet(new HashSet<>(builder.apiHosts));
        this.authenticatedClient = builder.client.newBuilder()
                .addInterceptor(interceptor())
                .authenticator(authenticator())
                .build();
        this.account = new AccountApi(builder.baseUrl, builder.client, authenticatedClient);
    }

    /** @param baseUrl where Gatehouse runs, e.g. {@code https://auth.shop.example} */
    public static Builder builder(String baseUrl) {
        return new Builder(HttpUrl.get(baseUrl));
    }

    /**
     * Signs in and saves the tokens to the store before it returns.
     *
     * @param deviceName shown in the user's session list; may be {@code null}
     * @throws MfaRequiredException the account has a second factor: ask for the code and call {@link #loginMfa}
     *                               with {@link MfaRequiredException#mfaToken()}; nothing is saved until then
     * @throws GatehouseException 401 {@code invalid_credentials}, 403 {@code account_suspended},
     *                            429 {@code rate_limited} (see {@link GatehouseException#retryAfterSeconds()}),
     *                            400 {@code validation_failed}
     */
    public void login(String email, String password, String deviceName) throws IOException {
        keep(api.login(email, password, deviceName));
    }

    /**
     * The second step of a sign-in that threw {@link MfaRequiredException} (docs/mfa.md "Signing in"), with the
     * code from the user's authenticator app; keeps the session exactly as {@link #login} does.
     *
     * @throws GatehouseException 401 {@code invalid_mfa_code} (try again with the same token: 5 codes in all),
     *                            401 {@code invalid_credentials} (the token is used, expired or dead: start again at
     *                            {@link #login}), 429 {@code rate_limited}, 403 {@code account_suspended}
     */
    public void loginMfa(String mfaToken, String code) throws IOException {
        keep(api.loginMfa(Objects.requireNonNull(mfaToken, "mfaToken"), "code", code));
    }

    /** {@link #loginMfa} with one of the user's single-use recovery codes instead of a code from the app. */
    public void loginMfaWithRecoveryCode(String mfaToken, String recoveryCode) throws IOException {
        keep(api.loginMfa(Objects.requireNonNull(mfaToken, "mfaToken"), "recoveryCode", recoveryCode));
    }

    /** The tokens of a new sign-in: saved to the store before the sign-in returns. */
    private void keep(Tokens tokens) throws IOException {
        synchronized (lock) {
            store.save(tokens);
            held = tokens;
            restored = true;
        }
    }

    /**
     * Ends the session on the server (every token of it) and forgets the tokens here. The local
     * sign-out happens even when Gatehouse cannot be reached; the exception then tells the app that
     * the session may still be live on the server.
     */
    public void logout() throws IOException {
        // Log out with the newest refresh token: let a refresh under way land first.
        CompletableFuture<String> running;
        synchronized (lock) {
            running = refreshing;
        }
        if (running != null) {
            running.handle((token, failure) -> null).join();
        }
        try {
            Tokens tokens = current();
            if (tokens != null) {
                api.logout(tokens.refreshToken());
            }
        } finally {
            synchronized (lock) {
                forget();
            }
        }
    }

    // --- Account calls (docs/clients.md "Account calls"). They block: on Android call them off the
    // main thread. "Signed in" calls send the access token through authenticatedClient() (refresh on
    // 401, safe in parallel); the others send no token. Each throws a GatehouseException whose
    // code() says why (the constants of GatehouseException); 429 rate_limited has retryAfterSeconds().

    /** The signed-in user, with {@link User#emailVerified()}. Signed in. */
    public User me() throws IOException {
        User user = User.fromJson(account.getSignedIn(AccountApi.ME));
        if (user == null) {
            throw new GatehouseException(200, null, "Gatehouse answered /api/users/me without an id or e-mail", OptionalLong.empty());
        }
        return user;
    }

    /**
     * Asks for a password-reset mail (link and code). Returns alike whether or not the address has
     * an account, so the app shows the same "check your mail" either way. Not signed in.
     */
    public void forgotPassword(String email) throws IOException {
        account.postAnonymous(AccountApi.FORGOT_PASSWORD, new JSONObject().put("email", email));
    }

    /**
     * Sets a new password with the reset link's token ({@link AccountLink#token()}). Every session of
     * the user ends, this one's too: sign in again with the new password. Not signed in.
     *
     * @throws GatehouseException 400 {@code invalid_code}; 400 {@code validation_failed} (password rules; the token is not used up)
     */
    public void resetPassword(String token, String newPassword) throws IOException {
        account.postAnonymous(AccountApi.RESET_PASSWORD, new JSONObject().put("token", token).put("newPassword", newPassword));
    }

    /** As {@link #resetPassword(String, String)}, with the six-digit code of the mail and the address it went to. */
    public void resetPasswordWithCode(String email, String code, String newPassword) throws IOException {
        account.postAnonymous(AccountApi.RESET_PASSWORD,
                new JSONObject().put("email", email).put("code", code).put("newPassword", newPassword));
    }

    /** Asks for a new verification mail for the signed-in user; nothing is sent when already verified. Signed in. */
    public void requestEmailVerification() throws IOException {
        account.postSignedIn(AccountApi.EMAIL_VERIFICATION, null);
    }

    /**
     * Asks for a new verification mail for {@code email} (a sign-in screen's "resend", e.g. after 403
     * {@code email_not_verified}); returns alike for an unknown or verified address. Not signed in.
     */
    public void requestEmailVerification(String email) throws IOException {
        account.postAnonymous(AccountApi.EMAIL_VERIFICATION, new JSONObject().put("email", email));
    }

    /** Marks the e-mail verified with the verification link's token. 400 {@code invalid_code}. Not signed in. */
    public void verifyEmail(String token) throws IOException {
        account.postAnonymous(AccountApi.VERIFY_EMAIL, new JSONObject().put("token", token));
    }

    /** Marks the e-mail verified with the mail's code and the address it went to. 400 {@code invalid_code}. Not signed in. */
    public void verifyEmailWithCode(String email, String code) throws IOException {
        account.postAnonymous(AccountApi.VERIFY_EMAIL, new JSONObject().put("email", email).put("code", code));
    }

    /**
     * Starts an e-mail change: a confirmation mail goes to {@code newEmail}; nothing changes until it
     * is confirmed. Signed in.
     *
     * @throws GatehouseException 400 {@code invalid_current_password}, 409 {@code email_taken}
     */
    public void changeEmail(String newEmail, String currentPassword) throws IOException {
        account.postSignedIn(AccountApi.CHANGE_EMAIL, new JSONObject().put("newEmail", newEmail).put("currentPassword", currentPassword));
    }

    /**
     * Confirms an e-mail change with the link's token; not signed in (the link may be opened on any
     * device). Access tokens with the old address stop working; this session stays and refreshes to
     * the new one.
     *
     * @throws GatehouseException 400 {@code invalid_code}, 409 {@code email_taken}
     */
    public void confirmEmailChange(String token) throws IOException {
        account.postAnonymous(AccountApi.CONFIRM_EMAIL_CHANGE, new JSONObject().put("token", token));
    }

    /** As {@link #confirmEmailChange(String)}, with the code typed into the signed-in app. Signed in. */
    public void confirmEmailChangeWithCode(String code) throws IOException {
        account.postSignedIn(AccountApi.CONFIRM_EMAIL_CHANGE, new JSONObject().put("code", code));
    }

    /**
     * Deletes the account and its data for good (App Store Review Guideline 5.1.1(v)), then forgets
     * the tokens as {@link #logout()} does, without calling the {@link SessionListener}. Signed in.
     *
     * @throws GatehouseException 400 {@code invalid_current_password}; 409 {@code last_admin} (the only active admin);
     *                            the tokens are kept then
     */
    public void deleteAccount(String password) throws IOException {
        account.deleteSignedIn(AccountApi.ME, new JSONObject().put("password", password));
        // A refresh still under way sees the change and drops its answer (refresh(): held != from).
        synchronized (lock) {
            forget();
        }
    }

    /**
     * The user's data (GDPR Art. 15 and 20) as the parsed JSON object {@code {user, sessions, passkeys,
     * events}}; {@code toString(2)} gives a file to hand to the user. Signed in.
     */
    public JSONObject exportData() throws IOException {
        return account.getSignedIn(AccountApi.EXPORT);
    }

    // --- Passkeys (docs/passkeys.md). Gatehouse's options are the JSON Android's Credential Manager takes,
    // and its answers the JSON Gatehouse takes: the app does the platform call in between (see the README).

    /**
     * Starts adding a passkey: pass {@link PasskeyOptions#requestJson()} to
     * {@code CreatePublicKeyCredentialRequest}, then the answer to {@link #registerPasskey}. Signed in.
     *
     * @throws GatehouseException 403 {@code reauthentication_required} when the sign-in is older than 5 minutes or
     *                            the e-mail is not verified (sign in again); 404 {@code not_found} when passkeys are off
     */
    public PasskeyOptions passkeyRegistrationOptions() throws IOException {
        return AuthApi.passkeyOptions(account.postSignedInForJson(AccountApi.PASSKEY_REGISTER_OPTIONS, null, 200));
    }

    /**
     * Finishes adding a passkey with Credential Manager's {@code CreatePublicKeyCredentialResponse.registrationResponseJson}.
     * Signed in.
     *
     * @param name shown in the user's passkey list; may be {@code null} ("Passkey")
     * @return the passkey as Gatehouse lists it: {@code {id, name, createdAt, lastUsedAt, backedUp}}
     * @throws GatehouseException 400 {@code invalid_passkey} when it does not verify (or the flow was used or expired);
     *                            403 {@code reauthentication_required}
     */
    public JSONObject registerPasskey(PasskeyOptions options, String registrationResponseJson, String name) throws IOException {
        JSONObject body = new JSONObject().put("flowId", options.flowId()).put("credential", credential(registrationResponseJson))
                .put("name", name);
        return AuthApi.object(account.postSignedInForJson(AccountApi.PASSKEY_REGISTER, body, 201));
    }

    /**
     * Starts a sign-in with a passkey alone: pass {@link PasskeyOptions#requestJson()} to
     * {@code GetPublicKeyCredentialOption}, then the answer to {@link #signInWithPasskey}. Not signed in.
     */
    public PasskeyOptions passkeySignInOptions() throws IOException {
        return api.passkeyLoginOptions();
    }

    /**
     * Finishes a passkey sign-in with Credential Manager's {@code PublicKeyCredential.authenticationResponseJson},
     * and keeps the session exactly as {@link #login} does.
     *
     * @param deviceName shown in the user's session list; may be {@code null}
     * @throws GatehouseException 401 {@code invalid_credentials} for any passkey that does not verify,
     *                            403 {@code account_suspended}
     */
    public void signInWithPasskey(PasskeyOptions options, String authenticationResponseJson, String deviceName) throws IOException {
        keep(api.passkeyLogin(options.flowId(), credential(authenticationResponseJson), deviceName));
    }

    /**
     * The user's passkeys, newest first, each {@code {id, name, createdAt, lastUsedAt, backedUp}} ({@code lastUsedAt}
     * JSON null before the first sign-in; {@code backedUp}: synced by a password manager or platform account). Signed in.
     */
    public List<JSONObject> passkeys() throws IOException {
        JSONArray array = account.getSignedInArray(AccountApi.PASSKEYS);
        List<JSONObject> passkeys = new ArrayList<>();
        for (int i = 0; i < array.length(); i++) {
            if (array.opt(i) instanceof JSONObject passkey) {
                passkeys.add(passkey);
            }
        }
        return passkeys;
    }

    /**
     * Renames one of the user's passkeys. Signed in.
     *
     * @throws GatehouseException 400 {@code validation_failed} for a name outside 1-100 characters; 404 {@code not_found}
     */
    public void renamePasskey(String id, String name) throws IOException {
        account.patchSignedIn(AccountApi.PASSKEYS, Objects.requireNonNull(id, "id"), new JSONObject().put("name", name));
    }

    /**
     * Removes one of the user's passkeys: it signs in no more (the device may still offer it; the app can say so).
     * Signed in.
     *
     * @throws GatehouseException 404 {@code not_found} for an unknown id or another user's passkey
     */
    public void deletePasskey(String id) throws IOException {
        account.deleteSignedIn(AccountApi.PASSKEYS, Objects.requireNonNull(id, "id"));
    }

    // --- The second factor (docs/mfa.md). Signed in; each throws a GatehouseException whose code() says why.

    /**
     * Starts TOTP set-up: the secret for the user's authenticator app, as base32 text to type in and as the
     * {@code otpauth://} URI to show as a QR code. Nothing changes until {@link #confirmTotp}.
     *
     * @throws GatehouseException 403 {@code reauthentication_required} (sign in again, with a verified e-mail),
     *                            409 {@code mfa_already_enabled}
     */
    public TotpSetup setupTotp() throws IOException {
        JSONObject answer = AuthApi.object(account.postSignedInForJson(AccountApi.TOTP_SETUP, null, 200));
        String secret = AuthApi.string(answer, "secret");
        String uri = AuthApi.string(answer, "otpauthUri");
        if (secret == null || uri == null) {
            throw new GatehouseException(200, null, "Gatehouse answered the TOTP set-up without secret or otpauthUri",
                    OptionalLong.empty());
        }
        return new TotpSetup(secret, uri);
    }

    /**
     * Turns TOTP on with the first code the app shows, and returns the ten recovery codes, shown this once.
     *
     * @throws GatehouseException 400 {@code invalid_mfa_code}, 409 {@code mfa_not_enabled} (no pending set-up)
     */
    public List<String> confirmTotp(String code) throws IOException {
        return recoveryCodes(account.postSignedInForJson(AccountApi.TOTP_CONFIRM, new JSONObject().put("code", code), 200));
    }

    /** A new set of recovery codes for a current TOTP code; the old set stops working. 400 {@code invalid_mfa_code}. */
    public List<String> renewRecoveryCodes(String code) throws IOException {
        return recoveryCodes(account.postSignedInForJson(AccountApi.RECOVERY_CODES, new JSONObject().put("code", code), 200));
    }

    /**
     * Turns TOTP off with a code from the app. The user's access tokens stop at once; this client's session stays
     * and refreshes on its next 401. 400 {@code invalid_mfa_code}, 409 {@code mfa_not_enabled}.
     */
    public void disableTotp(String code) throws IOException {
        account.deleteSignedIn(AccountApi.TOTP, new JSONObject().put("code", code));
    }

    /** {@link #disableTotp} with a recovery code, for a user without the phone. */
    public void disableTotpWithRecoveryCode(String recoveryCode) throws IOException {
        account.deleteSignedIn(AccountApi.TOTP, new JSONObject().put("recoveryCode", recoveryCode));
    }

    private static List<String> recoveryCodes(String answer) throws GatehouseException {
        List<String> codes = new ArrayList<>();
        if (AuthApi.object(answer).opt("recoveryCodes") instanceof JSONArray array) {
            for (int i = 0; i < array.length(); i++) {
                if (array.opt(i) instanceof String code) {
                    codes.add(code);
                }
            }
        }
        if (codes.isEmpty()) {
            throw new GatehouseException(200, null, "Gatehouse answered without recovery codes", OptionalLong.empty());
        }
        return List.copyOf(codes);
    }

    private static JSONObject credential(String responseJson) {
        JSONObject credential = AuthApi.object(responseJson);
        if (credential.length() == 0) {
            throw new IllegalArgumentException("not a WebAuthn response JSON object");
        }
        return credential;
    }

    /** A client derived from the one given to the builder, with {@link #interceptor()} and {@link #authenticator()}. */
    public OkHttpClient authenticatedClient() {
        return authenticatedClient;
    }

    /**
     * An application interceptor that adds {@code Authorization: Bearer <access token>} to requests
     * for the API hosts that carry no {@code Authorization} yet. Only for those hosts: the token
     * must not reach third parties.
     */
    public Interceptor interceptor() {
        return chain -> {
            Request request = chain.request();
            if (request.header("Authorization") == null && apiHosts.contains(request.url().host())) {
                Tokens tokens = current();
                if (tokens != null) {
                    request = request.newBuilder().header("Authorization", BEARER + tokens.accessToken()).build();
                }
            }
            return chain.proceed(request);
        };
    }

    /**
     * The OkHttp {@link Authenticator} for 401 answers from the API hosts: returns the request with a
     * fresh access token, or {@code null} (the caller gets the 401) when there is no session, the
     * session has ended, or the request was already retried once. Throws the refresh's
     * {@link IOException} when Gatehouse could not be reached after a few tries.
     */
    public Authenticator authenticator() {
        return (Route route, Response response) -> {
            Request failed = response.request();
            if (!apiHosts.contains(failed.url().host()) || retriedAfter401(response)) {
                return null; // a second 401 with the newest token is the answer: no refresh loop
            }
            String fresh = accessTokenAfter(bearerToken(failed));
            return fresh == null ? null : failed.newBuilder().header("Authorization", BEARER + fresh).build();
        };
    }

    /**
     * A usable access token for a request that got 401 with {@code sentWith}: the one a refresh
     * since has already obtained, or the result of the one shared refresh. {@code null} when there
     * is no session to refresh.
     */
    private String accessTokenAfter(String sentWith) throws IOException {
        Tokens from;
        CompletableFuture<String> flight;
        boolean mine = false;
        synchronized (lock) {
            from = current();
            if (from == null) {
                return null;
            }
            if (!from.accessToken().equals(sentWith)) {
                return from.accessToken(); // refreshed (or signed in) since this request went out
            }
            if (refreshing == null) {
                refreshing = new CompletableFuture<>();
                mine = true;
            }
            flight = refreshing;
        }
        if (mine) {
            refresh(from, flight);
        }
        return await(flight);
    }

    /** Runs the refresh in the calling thread and settles {@code flight} for everyone waiting on it. */
    private void refresh(Tokens from, CompletableFuture<String> flight) {
        String accessToken;
        String endedBy = null;
        try {
            Tokens next = null;
            try {
                next = api.refresh(from.refreshToken());
            } catch (GatehouseException refused) {
                if (refused.status() != 401) {
                    throw refused;
                }
                // docs/tokens.md "Refused tokens", "Replay detection": expired, revoked or replayed; the user has to sign in again.
                endedBy = refused.code() != null ? refused.code() : "invalid_refresh_token";
            }
            synchronized (lock) {
                refreshing = null;
                if (held != from) {
                    // A logout or a new login won meanwhile: this answer belongs to a session we no longer hold.
                    accessToken = held == null ? null : held.accessToken();
                    endedBy = null;
                } else if (next == null) {
                    forget();
                    accessToken = null;
                } else {
                    // The old token is rotated on the server: the new one is saved before anyone uses it.
                    // Should the save fail, the old one stays held, and its retry inside the reuse window
                    // gets this same successor (docs/tokens.md "Reuse window").
                    store.save(next);
                    held = next;
                    accessToken = next.accessToken();
                }
            }
        } catch (IOException | RuntimeException failure) {
            synchronized (lock) {
                if (refreshing == flight) {
                    refreshing = null;
                }
            }
            flight.completeExceptionally(failure);
            return;
        }
        flight.complete(accessToken);
        if (endedBy != null) {
            tell(endedBy);
        }
    }

    private void tell(String reason) {
        try {
            listener.sessionEnded(reason);
        } catch (RuntimeException bug) {
            // The app's bug must not fail the request that happened to run the refresh; report it on its own.
            Thread thread = Thread.currentThread();
            thread.getUncaughtExceptionHandler().uncaughtException(thread, bug);
        }
    }

    private static String await(CompletableFuture<String> flight) throws IOException {
        try {
            return flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the token refresh");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("token refresh failed", cause);
        }
    }

    /** The tokens held now, loaded from the store on first use. */
    private Tokens current() throws IOException {
        synchronized (lock) {
            if (!restored) {
                held = store.load();
                restored = true;
            }
            return held;
        }
    }

    /** Caller holds {@code lock}. The next session gets a new device key (docs/dpop.md "How clients keep their key"). */
    private void forget() throws IOException {
        try {
            store.clear();
        } finally {
            held = null;
            restored = true;
            if (dpopKeys != null) {
                dpopKeys.reset();
            }
        }
    }

    private static boolean retriedAfter401(Response response) {
        for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
            if (prior.code() == 401) {
                return true;
            }
        }
        return false;
    }

    private static String bearerToken(Request request) {
        String header = request.header("Authorization");
        return header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()) : null;
    }

    /** Configures a {@link GatehouseAuth}. */
    public static final class Builder {
        private final HttpUrl baseUrl;
        private final Set<String> apiHosts = new HashSet<>();
        private OkHttpClient client;
        private TokenStore store = new MemoryTokenStore();
        private SessionListener listener = reason -> { };
        private DpopKeys dpopKeys;

        private Builder(HttpUrl baseUrl) {
            this.baseUrl = baseUrl;
            apiHosts.add(baseUrl.host()); // Gatehouse's own Bearer endpoints (/api/users/me, sessions)
        }

        /** The client to derive from (its pool, timeouts, interceptors); default a new {@link OkHttpClient}. */
        public Builder httpClient(OkHttpClient client) {
            this.client = Objects.requireNonNull(client);
            return this;
        }

        /** Default {@link MemoryTokenStore}; on Android a Keystore-backed one (see {@link TokenStore}). */
        public Builder tokenStore(TokenStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        public Builder sessionListener(SessionListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * Device-bound refresh tokens (docs/dpop.md): every sign-in, refresh and logout carries a DPoP proof signed
         * with this key, and Gatehouse binds the session's refresh tokens to it. {@link DpopKeys#inMemory()}, or an
         * Android Keystore key (README). Default: none. Behind a proxy, Gatehouse's
         * {@code gatehouse.http.public-base-url} must be this base URL.
         */
        public Builder dpop(DpopKeys keys) {
            this.dpopKeys = Objects.requireNonNull(keys);
            return this;
        }

        /** Further hosts (exact names) whose requests carry the access token; Gatehouse's own host always does. */
        public Builder apiHosts(String... hosts) {
            Collections.addAll(apiHosts, hosts);
            return this;
        }

        public GatehouseAuth build() {
            if (client == null) {
                client = new OkHttpClient();
            }
            return new GatehouseAuth(this);
        }
    }
}
