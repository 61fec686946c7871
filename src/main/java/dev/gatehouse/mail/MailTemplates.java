package dev.gatehouse.mail;

import dev.gatehouse.config.GatehouseConfig;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * The text of every mail (docs/mail.md "Format" and "Notices"): plain text, UTF-8. A mail for a one-time secret
 * has exactly one line {@code Code: DDDDDD} and exactly one link {@code <link-base-url>/<action>?token=<token>};
 * a notice says what happened and carries no secret and no link.
 */
@Singleton
class MailTemplates {

    record Rendered(String subject, String text) {
        @Override
        public String toString() {
            return "Rendered[subject=" + subject + "]"; // the text may hold a code and a link: never in a log line
        }
    }

    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("d MMMM uuuu, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final String linkBase;

    MailTemplates(GatehouseConfig config) {
        // docs/mail.md "Format": a trailing slash of the base is dropped, so the link has exactly one
        this.linkBase = config.mail().linkBaseUrl().map(base -> base.strip().replaceAll("/+$", "")).orElse(null);
    }

    Rendered secret(MailKind kind, SecretSource.Revealed secret, Instant expiresAt) {
        if (linkBase == null) {
            throw new IllegalStateException("gatehouse.mail.link-base-url is not set");
        }
        String link = linkBase + "/" + kind.action() + "?token=" + secret.token();
        String until = EXPIRY.format(expiresAt);
        return switch (kind) {
            case VERIFY_EMAIL -> new Rendered("Confirm your e-mail address", secretText(
                    "Please confirm that this e-mail address is yours.", secret.code(), link, until,
                    "If you did not sign up or ask for this, ignore this mail."));
            case RESET_PASSWORD -> new Rendered("Reset your password", secretText(
                    "Someone, hopefully you, asked to reset the password of the account with this e-mail address.",
                    secret.code(), link, until,
                    "If you did not ask for this, ignore this mail: your password stays as it is."));
            case CONFIRM_EMAIL_CHANGE -> new Rendered("Confirm your new e-mail address", secretText(
                    "Please confirm that this address should become the e-mail address of your account.",
                    secret.code(), link, until,
                    "If you did not ask for this, ignore this mail: nothing changes."));
            case NOTICE -> throw new IllegalArgumentException("a notice carries no secret");
        };
    }

    private static String secretText(String purpose, String code, String link, String until, String ifNotYou) {
        return purpose + "\n\n"
                + "Enter this code in the app:\n\n"
                + "Code: " + code + "\n\n"
                + "or open this link:\n\n"
                + link + "\n\n"
                + "The code and the link work once, together: using one uses both. They expire on " + until + ".\n\n"
                + ifNotYou + "\n" + FOOTER;
    }

    /*
     * Every text ends with this line. Its dash is not ASCII on purpose: Vert.x's mail encoder declares
     * "charset=utf-8" (with quoted-printable) only for a text that needs encoding, and a plain "text/plain"
     * otherwise; every mail is declared UTF-8 this way (docs/mail.md "Format").
     */
    private static final String FOOTER = "\n\u2014 This mail was sent automatically; replies are not read.\n";

    Rendered notice(Notice notice, Map<String, String> details) {
        String newEmail = plain(details.get("newEmail"));
        String newAddress = newEmail == null ? "a new address" : newEmail;
        return switch (notice) {
            case PASSWORD_CHANGED -> new Rendered("Your password was changed", text(
                    "The password of your account was changed, and your other devices were signed out.",
                    "If you did not do this, reset your password now: someone else may know it."));
            case PASSWORD_RESET -> new Rendered("Your password was reset", text(
                    "The password of your account was reset with a code or link sent to this address, and every device was signed out.",
                    "If you did not do this, reset your password again now and make sure your e-mail account is safe."));
            case EMAIL_CHANGE_REQUESTED -> new Rendered("A change of your e-mail address was requested", text(
                    "Someone signed in to your account asked to change its e-mail address to " + newAddress
                            + ". Nothing changes unless that address confirms it.",
                    "If this was not you, change your password now."));
            case EMAIL_CHANGED -> new Rendered("Your e-mail address was changed", text(
                    "The e-mail address of your account was changed to " + newAddress
                            + ". Mail about your account goes there from now on.",
                    "If you did not do this, contact support."));
            case ACCOUNT_DELETED -> new Rendered("Your account was deleted", text(
                    "Your account was deleted, with its personal data. This is the last mail about it.",
                    "If you did not ask for this, contact support."));
            case PASSKEY_ADDED -> new Rendered("A passkey was added to your account", text(
                    "A passkey was added to your account: it can now be used to sign in.",
                    "If you did not do this, remove it in your account settings and change your password."));
            case MFA_ENABLED -> new Rendered("Two-step sign-in was turned on", text(
                    "Two-step sign-in was turned on for your account: signing in now needs a code from your authenticator app as well as your password.",
                    "If you did not do this, contact support."));
            case MFA_DISABLED -> new Rendered("Two-step sign-in was turned off", text(
                    "Two-step sign-in was turned off for your account: signing in now needs only your password.",
                    "If you did not do this, change your password and turn two-step sign-in on again."));
            case RECOVERY_CODES_RENEWED -> new Rendered("New recovery codes for your account", text(
                    "New recovery codes were made for your account; the old ones no longer work.",
                    "If you did not do this, change your password now."));
        };
    }

    private static String text(String what, String ifNotYou) {
        return what + "\n\n" + ifNotYou + "\n" + FOOTER;
    }

    /** A detail shown in a text: on one line, without control characters, whatever was stored. */
    private static String plain(String value) {
        if (value == null) {
            return null;
        }
        String cleaned = value.codePoints().filter(cp -> !Character.isISOControl(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        return cleaned.isEmpty() ? null : cleaned;
    }
}
