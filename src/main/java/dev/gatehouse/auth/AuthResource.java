package dev.gatehouse.auth;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.problem.Problem;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.session.SessionStore;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.token.RefreshTokens;
import dev.gatehouse.token.TokenResponse;
import dev.gatehouse.session.SessionState;
import dev.gatehouse.user.AccountSecurity;
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.User;
import dev.gatehouse.user.UserView;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Register, login, refresh, logout, logout-all, password change (SPEC §3). Thin: validate, call one service, map the result. */
@Path("/api/auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private static final int MAX_USER_AGENT = 512;

    private final Accounts accounts;
    private final SignIn signIn;
    private final RefreshTokens refreshTokens;
    private final AccessTokens accessTokens;
    private final AccountSecurity accountSecurity;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final AuthMetrics metrics;
    private final SecurityIdentity identity;

    AuthResource(Accounts accounts, SignIn signIn, RefreshTokens refreshTokens, AccessTokens accessTokens,
                 AccountSecurity accountSecurity, RateLimits rateLimits, ClientAddress clientAddress,
                 AuthMetrics metrics, SecurityIdentity identity) {
        this.metrics = metrics;
        this.accounts = accounts;
        this.signIn = signIn;
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.accountSecurity = accountSecurity;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    @POST
    @Path("/register")
    public Response register(@Valid RegisterRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.REGISTER, clientAddress.of(http));
        requireBody(request);
        User user = accounts.create(request.email(), request.password(), request.displayName(), List.of(Accounts.ROLE_USER));
        return Response.status(Response.Status.CREATED).entity(UserView.of(user)).build();
    }

    @POST
    @Path("/login")
    public Response login(@Valid LoginRequest request, @Context HttpServerRequest http) {
        requireBody(request);
        String clientIp = clientAddress.of(http);
        String userAgent = http.getHeader("User-Agent");
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        SessionStore.Origin origin = new SessionStore.Origin(request.deviceName(), userAgent, clientIp);
        RefreshTokens.Issued issued;
        try {
            rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
            issued = signIn.login(request, origin);
        } catch (ProblemException e) {
            metrics.login(e.code().code());
            throw e;
        }
        metrics.login("success");
        return tokenResponse(issued);
    }

    @POST
    @Path("/refresh")
    public Response refresh(@Valid RefreshRequest request, @Context HttpServerRequest http) {
        String clientIp = clientAddress.of(http);
        String token = requireToken(request);
        try {
            rateLimits.check(RateLimits.Endpoint.REFRESH, clientIp);
        } catch (ProblemException e) {
            metrics.refresh(e.code().code());
            throw e;
        }
        RefreshTokens.Outcome outcome = refreshTokens.rotate(token, clientIp);
        if (outcome instanceof RefreshTokens.Success success) {
            metrics.refresh(success.retried() ? "retried" : "rotated");
            return tokenResponse(success.issued());
        }
        if (outcome == RefreshTokens.Refused.REPLAYED) {
            metrics.refresh("replayed");
            metrics.replayDetected();
        } else {
            metrics.refresh("invalid");
        }
        // SPEC §4: the same answer for unknown, expired, revoked and replayed tokens.
        throw new ProblemException(ProblemCode.INVALID_REFRESH_TOKEN, "The refresh token is not valid.");
    }

    @POST
    @Path("/logout")
    public Response logout(@Valid RefreshRequest request) {
        refreshTokens.logout(requireToken(request));
        return Response.noContent().build();
    }

    /** SPEC §3: every session of the caller, and every access token through the stamp. */
    @POST
    @Path("/logout-all")
    @Consumes(MediaType.WILDCARD) // no body: any or no Content-Type
    @Authenticated
    public Response logoutAll() {
        SessionState caller = BearerTokenGuard.caller(identity);
        accountSecurity.logoutAll(caller.userId(), caller.sessionId());
        return Response.noContent().build();
    }

    @POST
    @Path("/password")
    @Authenticated
    public Response changePassword(@Valid PasswordChangeRequest request) {
        requireBody(request);
        SessionState caller = BearerTokenGuard.caller(identity);
        accountSecurity.changePassword(caller.userId(), caller.sessionId(), request.currentPassword(), request.newPassword());
        return Response.noContent().build();
    }

    private Response tokenResponse(RefreshTokens.Issued issued) {
        AccessTokens.Issued access = accessTokens.issue(issued.subject());
        TokenResponse body = new TokenResponse(access.token(), "Bearer", access.expiresIn(), issued.refreshToken(),
                issued.refreshExpiresIn(), issued.subject().sessionId());
        // RFC 6749 §5.1: token responses must not be cached.
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    private static void requireBody(Object request) {
        if (request == null) {
            throw new ProblemException(ProblemCode.MALFORMED_REQUEST, "A JSON object body is required.");
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
