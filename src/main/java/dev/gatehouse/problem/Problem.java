package dev.gatehouse.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * An RFC 9457 problem body with Gatehouse's {@code code} extension (docs/api.md "Errors"), and for
 * {@code mfa_required} the {@code mfaToken} extension (docs/mfa.md "Signing in").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // serialized from a Response entity or by hand: native needs it registered
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors,
                      String mfaToken) {

    public Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {
        this(type, title, status, detail, code, errors, null);
    }

    @Override
    public String toString() {
        return "Problem[" + code + "]"; // never the mfaToken
    }

    public static final String MEDIA_TYPE = "application/problem+json";

    @RegisterForReflection
    public record FieldError(String field, String message) {
    }

    public static Problem of(ProblemCode code, String detail) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.code(), null);
    }

    public static Problem validation(List<FieldError> errors) {
        ProblemCode code = ProblemCode.VALIDATION_FAILED;
        return new Problem(code.type(), code.title(), code.status(), "The request body breaks a rule; see errors.",
                code.code(), errors);
    }
}
