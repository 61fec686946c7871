package dev.gatehouse.auth;

import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/refresh} and {@code /logout}: the token may instead come from the refresh cookie (docs/api.md "The gh_refresh cookie"). */
public record RefreshRequest(@Size(max = 512) String refreshToken) {
}
