package dev.gatehouse.auth;

import dev.gatehouse.dpop.DpopProofs;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * CORS for browser apps (docs/api.md "CORS"): only the origins of {@code gatehouse.cookie.allowed-origins} are
 * answered, each by name and with credentials, never {@code *}. Requests from other origins still
 * reach the service: the browser will not let the page read the answer, and a cookie-authenticated
 * one is refused by the CSRF defence with 403 {@code csrf_rejected}.
 */
@Singleton
public class WebCors {

    private static final String ALLOWED_METHODS = "GET, POST, PUT, DELETE";
    /** {@code DPoP}: a browser app's proofs (docs/dpop.md), sent with its sign-ins, refreshes and logouts. */
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, " + WebMode.CLIENT_HEADER + ", " + DpopProofs.HEADER;

    private final WebMode webMode;

    WebCors(WebMode webMode) {
        this.webMode = webMode;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::handle);
    }

    private void handle(RoutingContext context) {
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            context.next();
            return;
        }
        context.response().headers().add(HttpHeaders.VARY, "Origin");
        boolean allowed = webMode.originAllowed(origin);
        boolean preflight = context.request().method() == HttpMethod.OPTIONS
                && context.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
        if (allowed) {
            context.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (preflight) {
            if (allowed) {
                context.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                        .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "600");
            }
            context.response().setStatusCode(allowed ? 204 : 403).end();
            return;
        }
        context.next();
    }
}
