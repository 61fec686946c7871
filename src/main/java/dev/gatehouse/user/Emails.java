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
     * The stored form, RFC 8265 style: NFKC (fullwidth letters and ligatures become plain ones),
     * then trimmed, then lower-cased in the root locale (so "ß" stays "ß").
     */
    public static String normalize(String email) {
        return email == null ? null
                : Normalizer.normalize(email, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
    }

    /**
     * What makes two normalized emails the same account: the Unicode TR 39 skeleton of the local
     * part, and the domain as it is. The skeleton is taken of the upper-case form first and of the
     * lower-case result again: TR 39 maps Cyrillic "К" to Latin "K" but lower-case "к" to "ĸ", and
     * lower-case look-alikes such as "rn" for "m" appear only in the second pass. Case is mapped
     * code point by code point, so that "ß" does not become "SS".
     */
    public static String skeleton(String normalizedEmail) {
        int at = normalizedEmail.lastIndexOf('@');
        String local = at < 0 ? normalizedEmail : normalizedEmail.substring(0, at);
        String domain = at < 0 ? "" : normalizedEmail.substring(at);
        String upper = CONFUSABLES.getSkeleton(mapCodePoints(local, true));
        return CONFUSABLES.getSkeleton(mapCodePoints(upper, false)) + domain;
    }

    private static String mapCodePoints(String text, boolean upper) {
        StringBuilder mapped = new StringBuilder(text.length());
        text.codePoints().map(c -> upper ? Character.toUpperCase(c) : Character.toLowerCase(c))
                .forEach(mapped::appendCodePoint);
        return mapped.toString();
    }
}
