package dev.gatehouse.problem;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.gatehouse.common.Causes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one error path (STYLE): every failure becomes an RFC 9457 problem with a code of docs/api.md "Problem codes".
 * Nothing from the request (it may hold a password or a token) and no stack trace reaches the client;
 * unexpected errors are logged under a correlation id.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = respond(e.toProblem());
        if (e instanceof RateLimitedException limited) {
            return Response.fromResponse(response).header("Retry-After", limited.retryAfterSeconds()).build();
        }
        if (e.code() == ProblemCode.INVALID_DPOP_PROOF) {
            // RFC 9449 §7.1: the challenge names the scheme and the error
            return Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "DPoP error=\"invalid_dpop_proof\"").build();
        }
        if (e instanceof MfaRequiredException) {
            // it carries a secret (docs/mfa.md "Signing in")
            return Response.fromResponse(response).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
        }
        return response;
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> violation : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldName(violation.getPropertyPath()), violation.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message));
        return respond(Problem.validation(errors));
    }

    /** A JSON value of the wrong type for a field is a validation failure of that field; a body that is not an object is malformed. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = jsonPath(e);
        if (field.isEmpty()) {
            return respond(Problems.bodyNotAnObject().toProblem());
        }
        return respond(Problem.validation(List.of(new Problem.FieldError(field, "has the wrong type"))));
    }

    /** A body read by hand (refresh, logout): map the Jackson failure as if the REST layer had read it. */
    @ServerExceptionMapper
    public Response handReadBody(JsonBodyException e) {
        if (e.getCause() instanceof MismatchedInputException mismatch) {
            return mismatchedInput(mismatch);
        }
        return respond(Problems.bodyNotJson().toProblem());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return respond(Problems.bodyNotJson().toProblem());
    }

    @ServerExceptionMapper
    public Response databaseUnavailable(DatabaseUnavailableException e) {
        LOG.warnf("Database unavailable: %s", e.getCause().getClass().getSimpleName());
        return respond(Problem.of(ProblemCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; retry shortly."));
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, HttpHeaders headers) {
        return bearerChallenge(headers);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, HttpHeaders headers) {
        return bearerChallenge(headers);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(ProblemCode.FORBIDDEN, "This requires a role the caller does not have."));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(Problem.of(ProblemCode.NOT_FOUND, "No such resource."));
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        Response problem = respond(Problem.of(ProblemCode.METHOD_NOT_ALLOWED, "This resource does not support that method."));
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? problem : Response.fromResponse(problem).header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    public Response unsupportedMediaType(NotSupportedException e) {
        return respond(Problem.of(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "The body must be application/json."));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return respond(Problem.of(ProblemCode.PAYLOAD_TOO_LARGE, "The body is too large."));
        }
        if (status == 400) {
            return respond(Problem.of(ProblemCode.MALFORMED_REQUEST, "The request could not be read."));
        }
        if (status < 500) {
            Response.StatusType type = Response.Status.fromStatusCode(status);
            String title = type == null ? "Client error" : type.getReasonPhrase();
            return respond(new Problem("urn:gatehouse:problem:" + codeFor(status), title, status, title, codeFor(status), null));
        }
        return unexpected(e);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        Optional<DatabaseUnavailableException> unavailable = DatabaseUnavailableException.of(e);
        if (unavailable.isPresent()) {
            return databaseUnavailable(unavailable.get());
        }
        if (e instanceof JsonMappingException || Causes.hasCause(e, JsonProcessingException.class)) {
            return respond(Problems.bodyNotJson().toProblem());
        }
        if (Causes.hasCause(e, java.nio.channels.ClosedChannelException.class)
                || Causes.hasCause(e, io.vertx.core.http.HttpClosedException.class)) {
            // the client went away while sending its body: nobody is left to read an answer
            return respond(Problem.of(ProblemCode.MALFORMED_REQUEST, "The request body was cut off."));
        }
        if (Causes.hasCause(e, java.io.IOException.class)) {
            // the body could not be read (bad chunk encoding, truncated stream): the request is at fault
            return respond(Problem.of(ProblemCode.MALFORMED_REQUEST, "The request body could not be read."));
        }
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s", id);
        return respond(Problem.of(ProblemCode.INTERNAL_ERROR, "Unexpected error; reference " + id + "."));
    }

    private static Response bearerChallenge(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        // RFC 6750 §3: error="invalid_token" only when a token was presented.
        String challenge = authorization == null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return Response.fromResponse(respond(Problem.of(ProblemCode.INVALID_TOKEN, "A valid access token is required.")))
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 404 -> ProblemCode.NOT_FOUND.code();
            case 405 -> ProblemCode.METHOD_NOT_ALLOWED.code();
            case 413 -> ProblemCode.PAYLOAD_TOO_LARGE.code();
            case 415 -> ProblemCode.UNSUPPORTED_MEDIA_TYPE.code();
            case 401 -> ProblemCode.INVALID_TOKEN.code();
            case 403 -> ProblemCode.FORBIDDEN.code();
            case 406 -> "not_acceptable";
            default -> ProblemCode.MALFORMED_REQUEST.code();
        };
    }

    private static String jsonPath(MismatchedInputException e) {
        return e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** "register.request.email" -> "email": the field as the client named it. */
    private static String fieldName(Path path) {
        String name = "";
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                name = node.getName();
            }
        }
        return name;
    }
}
