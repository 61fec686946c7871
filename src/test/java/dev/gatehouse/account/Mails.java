package dev.gatehouse.account;

import dev.gatehouse.support.Poll;
import dev.gatehouse.support.TestSmtp;

import java.time.Duration;
import java.util.List;

/** The mails of one account's flows, read from the test's SMTP server: secret mails by their link's action. */
final class Mails {

    static final String VERIFY = "verify-email";
    static final String RESET = "reset-password";
    static final String CHANGE = "confirm-email-change";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private Mails() {
    }

    /** The n-th (from 1) mail to {@code recipient} whose link has {@code action}, waiting for it. */
    static String nth(String recipient, String action, int n) {
        Poll.until("mail " + n + " with " + action, WAIT, () -> withAction(recipient, action).size() >= n);
        return withAction(recipient, action).get(n - 1);
    }

    static List<String> withAction(String recipient, String action) {
        return TestSmtp.receivedBy(recipient).stream().map(TestSmtp.Received::text)
                .filter(text -> text != null && text.contains("/" + action + "?token=")).toList();
    }

    /** Mails without a link (notices) to {@code recipient}, waiting until there are at least {@code n}. */
    static List<String> notices(String recipient, int n) {
        Poll.until(n + " notice(s)", WAIT, () -> notices(recipient).size() >= n);
        return notices(recipient);
    }

    private static List<String> notices(String recipient) {
        return TestSmtp.receivedBy(recipient).stream().map(TestSmtp.Received::text)
                .filter(text -> text != null && !text.contains("?token=")).toList();
    }

    static String token(String text, String action) {
        return TestSmtp.linkTokenOf(text, action);
    }

    static String code(String text) {
        return TestSmtp.codeOf(text);
    }
}
