package dev.gatehouse.user;

import com.ibm.icu.text.SpoofChecker;

import java.text.Normalizer;
import java.util.Locale;

/** How emails are compared (docs/api.md "Emails", docs/decisions.md "Look-alike emails"). */
public final class Emails {

    /** Immutable once built, and so safe to share between threads. */
    private static final SpoofChecker CONFUSABLES = new SpoofChecker.Builder().build();

    private Emails() {
    }

    /**
     * Longer input is left as it is (and fails the length rule): NFKC of a long run of combining
     * marks costs time that grows faster than its length, and it runs before any limit.
     */
    private static final int MAX_NORMALIZED_INPUT = 1024;

    /**
     * The stored form, RFC 8265 style: trimmed, NFKC (fullwidth letters and ligatures become plain
     * ones), then lower-cased in the root locale (so "ß" stays "ß").
     */
    public static String normalize(String email) {
        if (email == null || email.length() > MAX_NORMALIZED_INPUT) {
            return email;
        }
        // trimmed first: a no-break space that NFKC turns into a space stays, and the email is refused for it
        return Normalizer.normalize(email.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /**
     * What makes two normalized emails the same account: their Unicode TR 39 skeletons, local part
     * and domain alike, lower-cased. Code point by code point (TR 39 maps single code points): the
     * skeleton of the lower-case form, unless that is not plain ASCII while the skeleton of the
     * upper-case form is (TR 39 maps Cyrillic "К" to "K" but "к" only to "ĸ"). Case is mapped code
     * point by code point, so "ß" does not become "SS"; a dot above after "i" or "j" is dropped, as
     * those letters show their own.
     */
    public static String skeleton(String normalizedEmail) {
        StringBuilder skeleton = new StringBuilder(normalizedEmail.length());
        normalizedEmail.codePoints().forEach(c -> {
            String mapped = CONFUSABLES.getSkeleton(Character.toString(Character.toLowerCase(c)));
            if (!ascii(mapped)) {
                String upper = lower(CONFUSABLES.getSkeleton(Character.toString(Character.toUpperCase(c))));
                if (ascii(upper)) {
                    mapped = upper;
                }
            }
            skeleton.append(mapped);
        });
        return SOFT_DOTTED_DOT.matcher(lower(skeleton.toString())).replaceAll("");
    }

    private static final java.util.regex.Pattern SOFT_DOTTED_DOT = java.util.regex.Pattern.compile("(?<=[ij])\u0307");

    private static boolean ascii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    private static String lower(String text) {
        StringBuilder lower = new StringBuilder(text.length());
        text.codePoints().map(Character::toLowerCase).forEach(lower::appendCodePoint);
        return lower.toString();
    }
}
