package dev.gatehouse.mail;

/**
 * What a mail is for: the {@code kind} label of {@code gatehouse_mails_total}, and for a mail that
 * carries a one-time secret, the action of its link (docs/mail.md "Format").
 */
public enum MailKind {
    VERIFY_EMAIL("verify_email", "verify-email"),
    RESET_PASSWORD("reset_password", "reset-password"),
    CONFIRM_EMAIL_CHANGE("confirm_email_change", "confirm-email-change"),
    /** A notice: no secret, no link. */
    NOTICE("notice", null);

    private final String label;
    private final String action;

    MailKind(String label, String action) {
        this.label = label;
        this.action = action;
    }

    /** The metric label and stored name. */
    public String label() {
        return label;
    }

    /** The kind whose {@link #label()} this is (a stored row's). */
    public static MailKind ofLabel(String label) {
        for (MailKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown mail kind");
    }

    /** The path segment of the link ({@code <link-base-url>/<action>?token=...}); null for a notice. */
    public String action() {
        return action;
    }
}
