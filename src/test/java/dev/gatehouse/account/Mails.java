package dev.gatehouse.account;

import dev.gatehouse.support.TestSmtp;

import java.time.Duration;
import java.util.List;

/** The mails of one account's flows, read from the test's SMTP server: secret mails by their link's action. */
final class Mails {

    static final String VERIFY = "verify-email";
    static final String RESET = "reset-password";
    static final String CHANGE = "confirm-email-change";

    private Mails() {
    }

    /** The n-th (from 1) mail to {@code recipient} whose link has {@code action}, waiting for it. */
    static String nth(String recipient, String action, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            List<String> texts = withAction(recipient, action);
            if (texts.size() >= n) {
                return texts.get(n - 1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("mail " + n + " with " + action + " did not arrive (have " + texts.size() + ")");
            }
            pause();
        }
    }

    static List<String> withAction(String recipient, String action) {
        return TestSmtp.receivedBy(recipient).stream().map(TestSmtp.Received::text)
                .filter(text -> text != null && text.contains("/" + action + "?token=")).toList();
    }

    /** Mails without a link (notices) to {@code recipient}, waiting until there are at least {@code n}. */
    static List<String> notices(String recipient, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            List<String> texts = TestSmtp.receivedBy(recipient).stream().map(TestSmtp.Received::text)
                    .filter(text -> text != null && !text.contains("?token=")).toList();
            if (texts.size() >= n) {
                return texts;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " notice(s) did not arrive (have " + texts.size() + ")");
            }
            pause();
        }
    }

    static String token(String text, String action) {
        return TestSmtp.linkTokenOf(text, action);
    }

    static String code(String text) {
        return TestSmtp.codeOf(text);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
