package dev.gatehouse.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A link from a Gatehouse mail, {@code <link-base-url>/<action>?token=gatehouse_ot_...}
 * (docs/clients.md "Links in mails"), taken apart so the app can route it to the right call:
 * {@link Action#RESET_PASSWORD} to {@link GatehouseAuth#resetPassword}, {@link Action#VERIFY_EMAIL}
 * to {@link GatehouseAuth#verifyEmail}, {@link Action#CONFIRM_EMAIL_CHANGE} to
 * {@link GatehouseAuth#confirmEmailChange}.
 *
 * @param token the one-time token, a secret: {@link #toString()} leaves it out, and it must not be logged
 */
public record AccountLink(Action action, String token) {

    /** The last path segment of a mail link. */
    public enum Action {
        RESET_PASSWORD("reset-password"),
        VERIFY_EMAIL("verify-email"),
        CONFIRM_EMAIL_CHANGE("confirm-email-change");

        private final String path;

        Action(String path) {
            this.path = path;
        }

        /** As it appears in the link, e.g. {@code reset-password}. */
        public String path() {
            return path;
        }

        static Action ofPath(String segment) {
            for (Action action : values()) {
                if (action.path.equals(segment)) {
                    return action;
                }
            }
            return null;
        }
    }

    // docs/clients.md "Links in mails": 32 random bytes in unpadded base64url.
    private static final Pattern ONE_TIME_TOKEN = Pattern.compile("gatehouse_ot_[A-Za-z0-9_-]{43}");
    // Far above any link Gatehouse sends; a longer string is not one of its links.
    private static final int MAX_LINK_LENGTH = 2048;

    public AccountLink {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(token, "token");
    }

    /**
     * The action and token of a mail link that opened the app (an Android App Link's
     * {@code intent.getData().toString()}, an iOS universal link), or empty for anything else: an
     * unknown action, no {@code token}, more than one, or one that does not look like
     * {@code gatehouse_ot_} + 43 base64url characters. Never throws and never logs.
     */
    public static Optional<AccountLink> parse(String url) {
        return parse(url, null);
    }

    /**
     * As {@link #parse(String)}; with a {@code linkBaseUrl} (the service's
     * {@code gatehouse.mail.link-base-url}) the link must be exactly {@code <linkBaseUrl>/<action>}
     * on the same scheme and authority, so look-alike hosts and paths are refused.
     */
    public static Optional<AccountLink> parse(String url, String linkBaseUrl) {
        URI link = uri(url);
        if (link == null) {
            return Optional.empty();
        }
        String path = link.getRawPath();
        Action action = Action.ofPath(path.substring(path.lastIndexOf('/') + 1));
        if (action == null || (linkBaseUrl != null && !underBase(link, action, uri(linkBaseUrl)))) {
            return Optional.empty();
        }
        // The raw query: Gatehouse's tokens need no percent-encoding, so an encoded one is not its own.
        String token = null;
        String query = link.getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&", -1)) {
            if (pair.equals("token") || pair.startsWith("token=")) {
                if (token != null) {
                    return Optional.empty(); // two tokens: which one would be meant?
                }
                token = pair.substring(Math.min(pair.length(), "token=".length()));
            }
        }
        return token != null && ONE_TIME_TOKEN.matcher(token).matches() ? Optional.of(new AccountLink(action, token)) : Optional.empty();
    }

    /** Leaves the token out: it must not end up in logs. */
    @Override
    public String toString() {
        return "AccountLink[action=" + action + "]";
    }

    /** An absolute, hierarchical URI with a path, or {@code null}. */
    private static URI uri(String text) {
        if (text == null || text.length() > MAX_LINK_LENGTH) {
            return null;
        }
        try {
            URI uri = new URI(text).normalize();
            return uri.isAbsolute() && !uri.isOpaque() && uri.getRawPath() != null ? uri : null;
        } catch (URISyntaxException notALink) {
            return null;
        }
    }

    private static boolean underBase(URI link, Action action, URI base) {
        if (base == null || base.getRawAuthority() == null || link.getRawAuthority() == null) {
            return false;
        }
        String basePath = base.getRawPath().replaceAll("/+$", "");
        return link.getScheme().equalsIgnoreCase(base.getScheme())
                && link.getRawAuthority().toLowerCase(Locale.ROOT).equals(base.getRawAuthority().toLowerCase(Locale.ROOT))
                && link.getRawPath().equals(basePath + "/" + action.path());
    }
}
