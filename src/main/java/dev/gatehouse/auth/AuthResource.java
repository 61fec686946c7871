package dev.gatehouse.auth;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.account.AccountSecurity;
import dev.gatehouse.dpop.DpopMetrics;
import dev.gatehouse.dpop.DpopProof;
import dev.gatehouse.dpop.DpopProofs;
import dev.gatehouse.account.EmailVerification;
import dev.gatehouse.mfa.MfaRequests;
import dev.gatehouse.mfa.MfaSignIn;
import dev.gatehouse.mfa.SecondFactor;
import dev.gatehouse.problem.OptionalJsonBody;
import dev.gatehouse.problem.Problem;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.Origin;
import dev.gatehouse.token.RefreshTokens;
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserView;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Register, login, refresh, logout, logout-all, password change (docs/api.md "Endpoints"). Thin: validate, call one service, map the result. */
@Path("/api/auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final Accounts accounts;
    private final SignIn signIn;
    private final RefreshTokens refreshTokens;
    private final RefreshQueue refreshQueue;
    /** Read from Vert.x's request, not as a JAX-RS parameter: documented here for the OpenAPI. */
    private static final String REFRESH_COOKIE = "Web (cookie) mode: the refresh token, when the body carries none.";
    private final TokenResponses tokenResponses;
    private final AccountSecurity accountSecurity;
    private final EmailVerification emailVerification;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final AuthMetrics metrics;
    private final WebMode webMode;
    private final OptionalJsonBody optionalBody;
    private final SecurityIdentity identity;
    private final MfaSignIn mfaSignIn;
    private final DpopProofs dpopProofs;
    private final DpopMetrics dpopMetrics;

    AuthResource(Accounts accounts, SignIn signIn, RefreshTokens refreshTokens, RefreshQueue refreshQueue, TokenResponses tokenResponses,
                 AccountSecurity accountSecurity, EmailVerification emailVerification, RateLimits rateLimits, ClientAddress clientAddress,
                 AuthMetrics metrics, WebMode webMode, OptionalJsonBody optionalBody,
                 SecurityIdentity identity, MfaSignIn mfaSignIn, DpopProofs dpopProofs, DpopMetrics dpopMetrics) {
        this.dpopProofs = dpopProofs;
        this.dpopMetrics = dpopMetrics;
        this.mfaSignIn = mfaSignIn;
        this.optionalBody = optionalBody;
        this.webMode = webMode;
        this.metrics = metrics;
        this.accounts = accounts;
        this.signIn = signIn;
        this.refreshTokens = refreshTokens;
        this.refreshQueue = refreshQueue;
        this.tokenResponses = tokenResponses;
        this.accountSecurity = accountSecurity;
        this.emailVerification = emailVerification;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    @POST
    @Path("/register")
    public Response register(@Valid RegisterRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.REGISTER, clientAddress.of(http));
        requireBody(request);
        // the verification mail commits with the account (docs/mail.md "Outbox")
        User user = accounts.create(request.email(), request.password(), request.displayName(), List.of(Accounts.ROLE_USER),
                emailVerification::queueFor);
        return Response.status(Response.Status.CREATED).entity(UserView.of(user)).build();
    }

    @POST
    @Path("/login")
    public Response login(@Valid LoginRequest request, @Context HttpServerRequest http,
                          @HeaderParam(WebMode.CLIENT_HEADER) String client) {
        requireBody(request);
        String clientIp = clientAddress.of(http);
        RefreshTokens.Issued issued;
        try {
            rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
            // docs/api.md "Account lockout": the proof before the lock, and a refused one counts for nothing
            DpopProof deviceKey = dpopProofs.forSignIn(dpopProofs.presented(http));
            issued = signIn.login(request, new Origin(request.deviceName(), http.getHeader("User-Agent"), clientIp, deviceKey));
        } catch (ProblemException e) {
            metrics.login(e.code().code());
            if (e.code() == ProblemCode.MFA_REQUIRED) {
                metrics.mfaChallenge("issued");
            }
            throw e;
        }
        metrics.login("success");
        return tokenResponses.of(issued, WebMode.requested(client));
    }

    /** docs/mfa.md "Signing in": the second step of a login answered 403 {@code mfa_required}. */
    @POST
    @Path("/login/mfa")
    public Response loginMfa(@Valid MfaRequests.Login request, @Context HttpServerRequest http,
                             @HeaderParam(WebMode.CLIENT_HEADER) String client) {
        requireBody(request);
        SecondFactor.Proof proof = MfaResource.proof(request.code(), request.recoveryCode());
        String clientIp = clientAddress.of(http);
        RefreshTokens.Issued issued;
        try {
            rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
            // docs/dpop.md "Binding": the key of this call's proof, not the first step's
            DpopProof deviceKey = dpopProofs.forSignIn(dpopProofs.presented(http));
            issued = mfaSignIn.finish(request.mfaToken(), proof, new Origin(null, http.getHeader("User-Agent"), clientIp, deviceKey));
        } catch (ProblemException e) {
            metrics.mfaChallenge(e.code().code());
            throw e;
        }
        metrics.mfaChallenge(proof.isRecoveryCode() ? "recovery_code" : "success");
        return tokenResponses.of(issued, WebMode.requested(client));
    }

    @POST
    @Path("/refresh")
    @Consumes(MediaType.WILDCARD) // cookie mode may send no body at all, with any Content-Type
    @Parameter(name = WebMode.COOKIE, in = ParameterIn.COOKIE, description = REFRESH_COOKIE)
    public Response refresh(@RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                    schema = @Schema(implementation = RefreshRequest.class))) byte[] body, @HeaderParam("Content-Type") String contentType, @Context HttpServerRequest http,
                            @HeaderParam(WebMode.CLIENT_HEADER) String client, @HeaderParam("Origin") String origin) {
        String clientIp = clientAddress.of(http);
        String token = refreshToken(optionalBody.read(body, contentType, RefreshRequest.class), cookie(http), client, origin);
        try {
            rateLimits.check(RateLimits.Endpoint.REFRESH, clientIp);
        } catch (ProblemException e) {
            metrics.refresh(e.code().code());
            throw e;
        }
        DpopProofs.Presented presented = dpopProofs.presented(http);
        // The access token is signed inside the queue's turn too: the signature is most of a refresh's CPU.
        return refreshQueue.run(() -> {
            // docs/dpop.md "Refreshing": a proof is verified only for a live bound session's token
            RefreshTokens.Outcome outcome = refreshTokens.rotate(token, clientIp, key -> dpopProofs.forKey(presented, key));
            if (outcome instanceof RefreshTokens.Success success) {
                metrics.refresh(success.retried() ? "retried" : "rotated");
                return tokenResponses.of(success.issued(), WebMode.requested(client));
            }
            if (outcome == RefreshTokens.Refused.WRONG_KEY || outcome == RefreshTokens.Refused.PROOF_REUSED) {
                if (outcome == RefreshTokens.Refused.PROOF_REUSED) {
                    dpopMetrics.rejected(DpopMetrics.Reason.REPLAYED);
                }
                metrics.refresh("invalid_dpop_proof");
                throw Problems.invalidDpopProof(); // nothing rotated, revoked or counted as a replay
            }
            if (outcome == RefreshTokens.Refused.REPLAYED) {
                metrics.refresh("replayed");
                metrics.replayDetected();
            } else {
                metrics.refresh("invalid");
            }
            // The same answer for unknown, expired, revoked and replayed tokens (docs/api.md "POST /api/auth/refresh").
            throw Problems.invalidRefreshToken();
        });
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.WILDCARD) // cookie mode may send no body at all, with any Content-Type
    @Parameter(name = WebMode.COOKIE, in = ParameterIn.COOKIE, description = REFRESH_COOKIE)
    public Response logout(@RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                    schema = @Schema(implementation = RefreshRequest.class))) byte[] body, @HeaderParam("Content-Type") String contentType,
                           @HeaderParam(WebMode.CLIENT_HEADER) String client,
                           @HeaderParam("Origin") String origin, @Context HttpServerRequest http) {
        String token = refreshToken(optionalBody.read(body, contentType, RefreshRequest.class), cookie(http), client, origin);
        DpopProofs.Presented presented = dpopProofs.presented(http);
        // docs/dpop.md "Logout": a bound session ends only with a proof from its key; 204 either way
        refreshTokens.logout(token, key -> dpopProofs.forKey(presented, key));
        // docs/api.md "The gh_refresh cookie": logout clears the cookie, whichever way the token came
        return Response.noContent().cookie(webMode.clearedCookie()).build();
    }

    /** docs/api.md "POST /api/auth/logout-all": every session of the caller, and every access token through the stamp. */
    @POST
    @Path("/logout-all")
    @Consumes(MediaType.WILDCARD) // no body: any or no Content-Type
    @Authenticated
    public Response logoutAll() {
        Caller caller = Caller.of(identity);
        accountSecurity.logoutAll(caller.userId(), caller.sessionId());
        return Response.noContent().build();
    }

    @POST
    @Path("/password")
    @Authenticated
    public Response changePassword(@Valid PasswordChangeRequest request, @Context HttpServerRequest http) {
        requireBody(request);
        String clientIp = clientAddress.of(http);
        // docs/api.md "POST /api/auth/password": a current-password guess takes a token of the per-IP login bucket
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
        Caller caller = Caller.of(identity);
        accountSecurity.changePassword(caller.userId(), caller.sessionId(), request.currentPassword(), request.newPassword(),
                clientIp);
        return Response.noContent().build();
    }

    /**
     * The refresh cookie, read from Vert.x's request: a JAX-RS {@code @CookieParam} copies every
     * header of the request into a new map on each call (a third of a refresh's garbage, JFR).
     */
    private static String cookie(HttpServerRequest http) {
        Cookie cookie = http.getCookie(WebMode.COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    /** docs/api.md "CSRF defence": a token in the body wins; otherwise the cookie, which must pass the CSRF defence. */
    private String refreshToken(RefreshRequest request, String cookie, String client, String origin) {
        String bodyToken = request == null ? null : request.refreshToken();
        if (bodyToken != null && !bodyToken.isBlank()) {
            return bodyToken;
        }
        if (cookie != null && !cookie.isBlank()) {
            webMode.checkCookieRequest(client, origin);
            return cookie;
        }
        return requireToken(request);
    }

    private static void requireBody(Object request) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
    }

    private static String requireToken(RefreshRequest request) {
        String token = request == null ? null : request.refreshToken();
        if (token == null || token.isBlank()) {
            throw new ProblemException(ProblemCode.VALIDATION_FAILED, "A refresh token is required.",
                    List.of(new Problem.FieldError("refreshToken", "must not be blank")));
        }
        return token;
    }
}
