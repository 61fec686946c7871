package dev.gatehouse.problem;

import java.util.List;

/**
 * The one way services report a failure the client should see. Carries no stack trace: it is
 * control flow, not a bug, and its detail must never contain a secret.
 */
public class ProblemException extends RuntimeException {

    private final ProblemCode code;
    private final List<Problem.FieldError> errors;

    public ProblemException(ProblemCode code, String detail) {
        this(code, detail, null);
    }

    public ProblemException(ProblemCode code, String detail, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.errors = errors;
    }

    public ProblemCode code() {
        return code;
    }

    public Problem toProblem() {
        Problem problem = Problem.of(code, getMessage());
        return errors == null ? problem
                : new Problem(problem.type(), problem.title(), problem.status(), problem.detail(), problem.code(), errors);
    }
}
