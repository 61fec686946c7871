package dev.gatehouse.problem;

/**
 * 403 {@code mfa_required}: the right password of a user with a second factor (docs/mfa.md "Signing in"). The
 * body carries the {@code mfaToken} for {@code login/mfa} and nothing else a password alone should not learn.
 */
public class MfaRequiredException extends ProblemException {

    private final transient String mfaToken;

    public MfaRequiredException(String mfaToken) {
        super(ProblemCode.MFA_REQUIRED, "Enter the code from your authenticator app, or a recovery code.");
        this.mfaToken = mfaToken;
    }

    @Override
    public Problem toProblem() {
        Problem problem = super.toProblem();
        return new Problem(problem.type(), problem.title(), problem.status(), problem.detail(), problem.code(), null, mfaToken);
    }
}
