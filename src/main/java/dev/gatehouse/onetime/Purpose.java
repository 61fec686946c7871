package dev.gatehouse.onetime;

import dev.gatehouse.mail.MailKind;

/** What a one-time secret is for; each purpose has its own live secret and its own count of wrong codes. */
public enum Purpose {
    VERIFY_EMAIL("verify_email", MailKind.VERIFY_EMAIL),
    RESET_PASSWORD("reset_password", MailKind.RESET_PASSWORD),
    CONFIRM_EMAIL_CHANGE("confirm_email_change", MailKind.CONFIRM_EMAIL_CHANGE);

    private final String value;
    private final MailKind mail;

    Purpose(String value, MailKind mail) {
        this.value = value;
        this.mail = mail;
    }

    /** The stored name. */
    public String value() {
        return value;
    }

    /** The mail that carries a secret of this purpose. */
    public MailKind mail() {
        return mail;
    }
}
