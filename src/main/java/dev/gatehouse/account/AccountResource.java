package dev.gatehouse.account;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.problem.OptionalJsonBody;
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
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;

import java.util.ArrayList;
import java.util.List;

/**
 * E-mail verification, password reset and e-mail change (docs/api.md "E-mail verification",
 * "Password reset", "E-mail change"). Thin: validate, take the per-IP bucket, call one service.
 * A call that issues a code takes a token of the bucket registrations use; a call that checks a
 * code or a password takes one of the login bucket.
 */
@Path("/api/auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final EmailVerification verification;
    private final PasswordReset reset;
    private final EmailChange emailChange;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;
    private final OptionalJsonBody optionalBody;

    AccountResource(EmailVerification verification, PasswordReset reset, EmailChange emailChange,
                    RateLimits rateLimits, ClientAddress clientAddress, SecurityIdentity identity,
                    OptionalJsonBody optionalBody) {
        this.optionalBody = optionalBody;
        this.verification = verification;
        this.reset = reset;
        this.emailChange = emailChange;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    /** A signed-in user asks with its Bearer token and no body; anyone else names the address. Always 202. */
    @POST
    @Path("/email/verification")
    @Consumes(MediaType.WILDCARD) // a signed-in call may send no body at all, with any Content-Type
    public Response requestVerification(@RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                                schema = @Schema(implementation = EmailRequest.class))) byte[] body,
                                        @HeaderParam("Content-Type") String contentType, @Context HttpServerRequest http) {
        EmailRequest request = optionalBody.read(body, contentType, EmailRequest.class); // JSON or nothing: 415 otherwise
        rateLimits.check(RateLimits.Endpoint.MAIL, clientAddress.of(http));
        if (!identity.isAnonymous()) {
            verification.requestFor(Caller.of(identity).userId());
        } else {
            verification.requestFor(required(body(request).email(), "email"));
        }
        return Response.accepted().build();
    }

    @POST
    @Path("/email/verify")
    public Response verify(@Valid RedeemRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientAddress.of(http));
        if (body(request).token() != null) {
            verification.verifyToken(request.token());
        } else {
            requireAll(new String[][]{{"email", request.email()}, {"code", request.code()}});
            verification.verifyCode(request.email(), request.code());
        }
        return Response.noContent().build();
    }

    /** The same 202, in about the same time, whether or not the address has an account. */
    @POST
    @Path("/password/forgot")
    public Response forgotPassword(@Valid EmailRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.MAIL, clientAddress.of(http));
        reset.forgot(required(body(request).email(), "email"));
        return Response.accepted().build();
    }

    @POST
    @Path("/password/reset")
    public Response resetPassword(@Valid RedeemRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientAddress.of(http));
        // the new password is checked first: a request that breaks its rules uses nothing up
        String newPassword = required(body(request).newPassword(), "newPassword");
        if (request.token() != null) {
            reset.resetWithToken(request.token(), newPassword);
        } else {
            requireAll(new String[][]{{"email", request.email()}, {"code", request.code()}});
            reset.resetWithCode(request.email(), request.code(), newPassword);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/email")
    @Authenticated
    public Response changeEmail(@Valid EmailChangeRequest request, @Context HttpServerRequest http) {
        String clientIp = clientAddress.of(http);
        // a current-password guess takes a token of the per-IP login bucket, as at POST /api/auth/password
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
        body(request);
        emailChange.request(Caller.of(identity), request.newEmail(), request.currentPassword(), clientIp);
        return Response.accepted().build();
    }

    /** The link alone, or the code with the Bearer token of the user who asked for the change. */
    @POST
    @Path("/email/confirm")
    public Response confirmEmail(@Valid RedeemRequest request, @Context HttpServerRequest http) {
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientAddress.of(http));
        if (body(request).token() != null) {
            emailChange.confirmWithToken(request.token());
            return Response.noContent().build();
        }
        String code = required(request.code(), "code");
        if (identity.isAnonymous()) {
            throw new io.quarkus.security.UnauthorizedException("a code confirms an e-mail change only with the Bearer token");
        }
        emailChange.confirmWithCode(Caller.of(identity).userId(), code);
        return Response.noContent().build();
    }

    private static <T> T body(T request) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
        return request;
    }

    private static String required(String value, String field) {
        requireAll(new String[][]{{field, value}});
        return value;
    }

    /** 400 {@code validation_failed} naming every missing field. */
    private static void requireAll(String[][] fields) {
        List<Problem.FieldError> missing = new ArrayList<>();
        for (String[] field : fields) {
            if (field[1] == null || field[1].isBlank()) {
                missing.add(new Problem.FieldError(field[0], "must not be blank"));
            }
        }
        if (!missing.isEmpty()) {
            throw new ProblemException(ProblemCode.VALIDATION_FAILED, "Required fields are missing.", missing);
        }
    }
}
