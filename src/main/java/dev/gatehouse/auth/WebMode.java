package dev.gatehouse.auth;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.NewCookie;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cookie mode for browser apps (docs/api.md "Web (cookie) mode"): the refresh token travels only in
 * the {@code gh_refresh} cookie ({@code HttpOnly; Secure; SameSite=Strict; Path=/api/auth}). A request
 * authenticated by the cookie must carry {@code X-Gatehouse-Client: web} (a custom header forces a
 * CORS preflight) and, when it has an {@code Origin}, one of {@code gatehouse.cookie.allowed-origins}.
 */
@Singleton
public class WebMode {

    public static final String CLIENT_HEADER = "X-Gatehouse-Client";
    public static final String COOKIE = "gh_refresh";
    private static final Logger LOG = Logger.getLogger(WebMode.class);

    private final boolean secure;
    private final Set<String> allowedOrigins;

    WebMode(GatehouseConfig config) {
        this.secure = config.cookie().secure();
        this.allowedOrigins = config.cookie().allowedOrigins().orElse(List.of()).stream()
                .map(String::strip).filter(o -> !o.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    void warnIfInsecure(@Observes StartupEvent event) {
        if (!secure) {
            LOG.warn("gatehouse.cookie.secure=false: the refresh cookie is sent without Secure. "
                    + "This is for local plain-HTTP development only; never run production like this.");
        }
    }

    /** Whether the request asked for cookie mode ({@code X-Gatehouse-Client: web}). */
    public static boolean requested(String clientHeader) {
        return clientHeader != null && clientHeader.strip().equalsIgnoreCase("web");
    }

    /** The CSRF defence for a request authenticated by the cookie: 403 {@code csrf_rejected} otherwise. */
    public void checkCookieRequest(String clientHeader, String origin) {
        if (!requested(clientHeader)) {
            throw csrf("A request authenticated by the refresh cookie must send " + CLIENT_HEADER + ": web.");
        }
        if (origin != null && !originAllowed(origin)) {
            throw csrf("This origin may not use the refresh cookie.");
        }
    }

    /** Whether {@code gatehouse.cookie.allowed-origins} lists this origin (CORS answers only these). */
    public boolean originAllowed(String origin) {
        return origin != null && allowedOrigins.contains(origin.strip());
    }

    /** The cookie that carries a refresh token for {@code maxAgeSeconds}. */
    public NewCookie refreshCookie(String token, long maxAgeSeconds) {
        return cookie(token, (int) Math.min(Integer.MAX_VALUE, maxAgeSeconds));
    }

    /** The cookie that removes it. */
    public NewCookie clearedCookie() {
        return cookie("", 0);
    }

    private NewCookie cookie(String value, int maxAge) {
        return new NewCookie.Builder(COOKIE).value(value).path("/api/auth").maxAge(maxAge).httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).build();
    }

    private static ProblemException csrf(String detail) {
        return new ProblemException(ProblemCode.CSRF_REJECTED, detail);
    }
}
