package dev.gatehouse.common;

import java.util.UUID;

/** Ids from URLs: a malformed one is simply not found, never a 400 that tells it apart. */
public final class Ids {

    private Ids() {
    }

    /** The UUID in canonical 36-character form, or null. */
    public static UUID parse(String id) {
        try {
            return id != null && id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
