package dev.gatehouse.auth;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/refresh} and {@code /logout}: the token may instead come from the refresh cookie (docs/api.md "The gh_refresh cookie"). */
@RegisterForReflection // read by hand (problem/OptionalJsonBody), not as a JAX-RS parameter: native needs it registered
public record RefreshRequest(@Size(max = 512) String refreshToken) {
}
