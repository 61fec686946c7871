package dev.gatehouse.auth;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.common.Ids;
import dev.gatehouse.ops.AuthMetrics;
import dev.gatehouse.passkey.PasskeyOptions;
import dev.gatehouse.passkey.PasskeyRegistration;
import dev.gatehouse.passkey.PasskeyRequests;
import dev.gatehouse.passkey.PasskeySignIn;
import dev.gatehouse.passkey.PasskeyView;
import dev.gatehouse.passkey.Passkeys;
import dev.gatehouse.passkey.RelyingParty;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.dpop.DpopProof;
import dev.gatehouse.dpop.DpopProofs;
import dev.gatehouse.session.Origin;
import dev.gatehouse.token.RefreshTokens;
import dev.gatehouse.user.Caller;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.UUID;

/**
 * Passkeys (docs/passkeys.md): adding one while signed in, signing in with one alone, and managing them.
 * Thin: the ceremonies live in {@code dev.gatehouse.passkey}; a passkey sign-in answers with the same
 * token response as a password login.
 */
@Path("/api/auth/passkeys")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PasskeyResource {

    private final PasskeyRegistration registration;
    private final PasskeySignIn signIn;
    private final Passkeys passkeys;
    private final TokenResponses tokenResponses;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final AuthMetrics metrics;
    private final SecurityIdentity identity;
    private final RelyingParty rp;
    private final DpopProofs dpopProofs;

    PasskeyResource(PasskeyRegistration registration, PasskeySignIn signIn, Passkeys passkeys, TokenResponses tokenResponses,
                    RateLimits rateLimits, ClientAddress clientAddress, AuthMetrics metrics, SecurityIdentity identity,
                    RelyingParty rp, DpopProofs dpopProofs) {
        this.rp = rp;
        this.dpopProofs = dpopProofs;
        this.registration = registration;
        this.signIn = signIn;
        this.passkeys = passkeys;
        this.tokenResponses = tokenResponses;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.identity = identity;
    }

    @POST
    @Path("/register/options")
    @Consumes(MediaType.WILDCARD) // no body
    @Authenticated
    public PasskeyOptions.Flow<PasskeyOptions.Creation> registrationOptions() {
        return registration.options(Caller.of(identity));
    }

    @POST
    @Path("/register")
    @Authenticated
    public Response register(@Valid PasskeyRequests.Register request) {
        requireBody(request);
        PasskeyView added = registration.finish(Caller.of(identity), request);
        return Response.status(Response.Status.CREATED).entity(added).build();
    }

    /** Per-IP limited like a password login: each flow is a row in PostgreSQL. */
    @POST
    @Path("/login/options")
    @Consumes(MediaType.WILDCARD) // no body
    public PasskeyOptions.Flow<PasskeyOptions.Request> loginOptions(@Context HttpServerRequest http) {
        rp.requireEnabled(); // off: 404 without spending the address's login budget
        try {
            rateLimits.check(RateLimits.Endpoint.LOGIN, clientAddress.of(http));
        } catch (ProblemException e) {
            metrics.passkeyLogin(e.code().code());
            throw e;
        }
        return signIn.options();
    }

    @POST
    @Path("/login")
    public Response login(@Valid PasskeyRequests.Login request, @Context HttpServerRequest http,
                          @HeaderParam(WebMode.CLIENT_HEADER) String client) {
        requireBody(request);
        rp.requireEnabled(); // off: 404, whatever the headers
        RefreshTokens.Issued issued;
        try {
            DpopProof deviceKey = dpopProofs.forSignIn(dpopProofs.presented(http));
            Origin origin = new Origin(request.deviceName(), http.getHeader("User-Agent"), clientAddress.of(http), deviceKey);
            issued = signIn.finish(request, origin);
        } catch (PasskeySignIn.Refused refused) {
            metrics.passkeyLogin(refused.refusal() == PasskeySignIn.Refusal.CLONE_SUSPECTED ? "clone_suspected"
                    : "invalid_credentials");
            throw Problems.invalidPasskeyCredentials();
        } catch (ProblemException e) {
            metrics.passkeyLogin(e.code().code());
            throw e;
        }
        metrics.passkeyLogin("success");
        return tokenResponses.of(issued, WebMode.requested(client));
    }

    @GET
    @Authenticated
    public List<PasskeyView> list() {
        return passkeys.list(Caller.of(identity).userId());
    }

    @PATCH
    @Path("/{id}")
    @Authenticated
    public void rename(@PathParam("id") String id, @Valid PasskeyRequests.Rename request) {
        requireBody(request);
        passkeys.rename(Caller.of(identity).userId(), passkeyId(id), request.name());
    }

    @DELETE
    @Path("/{id}")
    @Consumes(MediaType.WILDCARD) // no body
    @Authenticated
    public void remove(@PathParam("id") String id) {
        Caller caller = Caller.of(identity);
        passkeys.remove(caller.userId(), caller.sessionId(), passkeyId(id));
    }

    private static UUID passkeyId(String id) {
        UUID parsed = Ids.parse(id);
        if (parsed == null) {
            throw Problems.noSuchPasskey();
        }
        return parsed;
    }

    private static void requireBody(Object request) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
    }
}
