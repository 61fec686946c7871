package dev.gatehouse.mail;

/** The notices Gatehouse sends (docs/mail.md "Notices"): no secret, only what happened. */
public enum Notice {
    PASSWORD_CHANGED,
    PASSWORD_RESET,
    /** To the old address, when a change to a new one is asked for. */
    EMAIL_CHANGE_REQUESTED,
    /** To the old address, when the change is confirmed. */
    EMAIL_CHANGED,
    ACCOUNT_DELETED,
    PASSKEY_ADDED,
    MFA_ENABLED,
    MFA_DISABLED,
    RECOVERY_CODES_RENEWED
}
