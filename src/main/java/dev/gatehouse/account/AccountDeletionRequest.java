package dev.gatehouse.account;

import dev.gatehouse.common.CodePointLength;
import dev.gatehouse.common.PlainText;
import jakarta.validation.constraints.NotEmpty;

/** {@code DELETE /api/users/me}: the current password, under the rule of a login's (docs/api.md "Passwords"). */
public record AccountDeletionRequest(@NotEmpty @CodePointLength(max = 256) @PlainText String password) {
}
