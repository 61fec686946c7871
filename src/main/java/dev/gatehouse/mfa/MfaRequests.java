package dev.gatehouse.mfa;

import dev.gatehouse.common.PlainText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Bodies of the second-factor calls (docs/mfa.md). A code of the wrong shape is simply wrong (it counts like
 * any wrong code); only a missing, blank, oversized or non-text field is 400 {@code validation_failed}.
 */
public final class MfaRequests {

    private MfaRequests() {
    }

    /** {@code confirm} and {@code recovery-codes}: a TOTP code. */
    public record Code(@NotBlank @Size(max = 32) @PlainText String code) {
        @Override
        public String toString() {
            return "Code[redacted]";
        }
    }

    /** {@code DELETE mfa/totp}: a TOTP code or a recovery code, exactly one of them. */
    public record Disable(@Size(max = 32) @PlainText String code, @Size(max = 32) @PlainText String recoveryCode) {
        @Override
        public String toString() {
            return "Disable[redacted]";
        }
    }

    /** {@code login/mfa}: the token of the login's 403 {@code mfa_required}, and a TOTP code or a recovery code. */
    public record Login(@NotBlank @Size(max = 128) @PlainText String mfaToken, @Size(max = 32) @PlainText String code,
                        @Size(max = 32) @PlainText String recoveryCode) {
        @Override
        public String toString() {
            return "Login[redacted]";
        }
    }
}
