package dev.gatehouse.problem;

/** 429 {@code rate_limited}, carrying the seconds for its {@code Retry-After} header (docs/api.md "Abuse limits"). */
public class RateLimitedException extends ProblemException {

    private final long retryAfterSeconds;

    public RateLimitedException(long retryAfterSeconds) {
        super(ProblemCode.RATE_LIMITED, "Too many attempts; retry after " + retryAfterSeconds + " seconds.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
