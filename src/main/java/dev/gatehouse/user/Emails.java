package dev.gatehouse.user;

import java.util.Locale;

/** docs/api.md "Emails": emails are trimmed and lower-cased everywhere they enter. */
public final class Emails {

    private Emails() {
    }

    public static String normalize(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }
}
