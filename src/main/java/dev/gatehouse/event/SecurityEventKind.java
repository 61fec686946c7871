package dev.gatehouse.event;

import java.util.Locale;

/** The security event kinds of docs/operations.md "Security events", stored by their lower-case names. */
public enum SecurityEventKind {
    REPLAY_DETECTED, LOGOUT_ALL, PASSWORD_CHANGED, SUSPENDED, REINSTATED, SESSIONS_REVOKED, ROLES_CHANGED,
    EMAIL_VERIFIED, PASSWORD_RESET_REQUESTED, PASSWORD_RESET, EMAIL_CHANGED, ACCOUNT_DELETED,
    PASSKEY_ADDED, PASSKEY_REMOVED, PASSKEY_CLONE_SUSPECTED, MFA_ENABLED, MFA_DISABLED, RECOVERY_CODE_USED;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
