package dev.gatehouse.session;

/** Where a login came from, as the session list shows it; every field is optional. */
public record Origin(String deviceName, String userAgent, String ipAddress) {

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
