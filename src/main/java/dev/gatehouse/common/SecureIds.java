package dev.gatehouse.common;

import java.security.SecureRandom;
import java.util.Base64;

/** Random values that must not be guessable: security stamps. */
public final class SecureIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecureIds() {
    }

    /** 128 random bits, unpadded base64url. */
    public static String newStamp() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
