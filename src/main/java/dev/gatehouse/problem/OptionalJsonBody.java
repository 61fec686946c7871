package dev.gatehouse.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.util.Set;

/**
 * The body of an endpoint where a body is optional (refresh and logout carry the token in a cookie, a
 * signed-in verification request needs none): no body at all is null; a body must be JSON (415 otherwise,
 * so a browser cannot send it cross-site as a CORS "simple request") and is read and validated like every
 * other one (docs/api.md "Content type").
 */
@Singleton
public class OptionalJsonBody {

    private final ObjectMapper json;
    private final Validator validator;

    OptionalJsonBody(ObjectMapper json, Validator validator) {
        this.json = json;
        this.validator = validator;
    }

    public <T> T read(byte[] body, String contentType, Class<T> type) {
        if (body == null || body.length == 0) {
            return null;
        }
        if (contentType != null && !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw new NotSupportedException();
        }
        T request;
        try {
            request = json.readValue(body, type);
        } catch (IOException e) {
            throw new JsonBodyException(e);
        }
        if (request == null) {
            throw Problems.bodyNotAnObject();
        }
        Set<ConstraintViolation<T>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return request;
    }
}
