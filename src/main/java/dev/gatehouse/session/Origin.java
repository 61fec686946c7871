package dev.gatehouse.session;

import dev.gatehouse.dpop.DpopProof;

/**
 * Where a login came from, as the session list shows it; every field is optional. {@code deviceKey}: the
 * sign-in's verified DPoP proof, whose key the new session is bound to (docs/dpop.md), or null.
 */
public record Origin(String deviceName, String userAgent, String ipAddress, DpopProof deviceKey) {

    public Origin(String deviceName, String userAgent, String ipAddress) {
        this(deviceName, userAgent, ipAddress, null);
    }

    /** A User-Agent is the client's to choose: only its first characters are kept. */
    static final int MAX_USER_AGENT = 512;

    public Origin {
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        if (userAgent != null) {
            // A header is not validated like a body field; PostgreSQL refuses NUL in text, so no control character is kept.
            userAgent = userAgent.codePoints().filter(cp -> !Character.isISOControl(cp))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }
    }
}
