package dev.gatehouse.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.config.GatehouseConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Problems that arise before a request reaches the REST layer: a body over
 * {@code gatehouse.http.max-body-size} (413 {@code payload_too_large}, docs/api.md "Body size"). A declared
 * Content-Length is refused before the body is read; a chunked body that outgrows the limit is
 * failed by the HTTP layer and rendered here.
 */
@Singleton
public class HttpLayerProblems {

    private final long maxBodySize;
    private final String tooLarge;

    HttpLayerProblems(GatehouseConfig config, ObjectMapper json) throws JsonProcessingException {
        this.maxBodySize = config.http().maxBodySize().asLongValue();
        this.tooLarge = json.writeValueAsString(Problem.of(ProblemCode.PAYLOAD_TOO_LARGE,
                "The body is larger than " + maxBodySize + " bytes."));
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::checkDeclaredLength);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::renderTooLarge);
    }

    private void checkDeclaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBodySize) {
                    respondTooLarge(context);
                    return;
                }
            } catch (NumberFormatException ignored) {
                // a malformed Content-Length is the HTTP layer's to refuse
            }
        }
        context.next();
    }

    private void renderTooLarge(RoutingContext context) {
        if (context.statusCode() == 413 && !context.response().headWritten()) {
            respondTooLarge(context);
        } else {
            context.next();
        }
    }

    private void respondTooLarge(RoutingContext context) {
        // The client may still be sending: close rather than read a body we refuse.
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(tooLarge);
    }
}
