package dev.gatehouse.auth;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.mfa.MfaRequests;
import dev.gatehouse.mfa.SecondFactor;
import dev.gatehouse.problem.Problem;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.user.Caller;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The signed-in user's second factor (docs/mfa.md): TOTP set-up and confirmation, new recovery codes, turning it
 * off. Thin: the rules live in {@code dev.gatehouse.mfa}. Answers that carry a secret are {@code no-store}. The
 * second step of a login, {@code login/mfa}, is with the login in {@link AuthResource}.
 */
@Path("/api/auth/mfa")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class MfaResource {

    private final SecondFactor secondFactor;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;

    MfaResource(SecondFactor secondFactor, RateLimits rateLimits, ClientAddress clientAddress, SecurityIdentity identity) {
        this.secondFactor = secondFactor;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    @POST
    @Path("/totp/setup")
    @Consumes(MediaType.WILDCARD) // no body
    public Response setup() {
        return noStore(secondFactor.setup(Caller.of(identity)));
    }

    @POST
    @Path("/totp/confirm")
    public Response confirm(@Valid MfaRequests.Code request) {
        requireBody(request);
        return noStore(new SecondFactor.RecoveryCodesView(secondFactor.confirm(Caller.of(identity), request.code())));
    }

    /** Guarded like a password (docs/api.md "Account lockout"): the per-IP login bucket, and the lockout. */
    @POST
    @Path("/recovery-codes")
    public Response renewRecoveryCodes(@Valid MfaRequests.Code request, @Context HttpServerRequest http) {
        requireBody(request);
        String clientIp = clientAddress.of(http);
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
        return noStore(new SecondFactor.RecoveryCodesView(
                secondFactor.renewRecoveryCodes(Caller.of(identity), request.code(), clientIp)));
    }

    /** Guarded like a password (docs/api.md "Account lockout"): the per-IP login bucket, and the lockout. */
    @DELETE
    @Path("/totp")
    public Response disable(@Valid MfaRequests.Disable request, @Context HttpServerRequest http) {
        requireBody(request);
        SecondFactor.Proof proof = proof(request.code(), request.recoveryCode());
        String clientIp = clientAddress.of(http);
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
        secondFactor.disable(Caller.of(identity), proof, clientIp);
        return Response.noContent().build();
    }

    /** Exactly one of a TOTP code and a recovery code, or 400 {@code validation_failed} naming the fields. */
    static SecondFactor.Proof proof(String code, String recoveryCode) {
        boolean hasCode = code != null && !code.isBlank();
        boolean hasRecoveryCode = recoveryCode != null && !recoveryCode.isBlank();
        if (hasCode == hasRecoveryCode) {
            String message = hasCode ? "give either code or recoveryCode, not both" : "code or recoveryCode is required";
            throw new ProblemException(ProblemCode.VALIDATION_FAILED, "Give a code or a recovery code.",
                    List.of(new Problem.FieldError("code", message), new Problem.FieldError("recoveryCode", message)));
        }
        return hasCode ? new SecondFactor.Proof(code, null) : new SecondFactor.Proof(null, recoveryCode);
    }

    private static Response noStore(Object entity) {
        return Response.ok(entity).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    private static void requireBody(Object request) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
    }
}
