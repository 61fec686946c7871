package dev.gatehouse.resourceserver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Refuses a verified Gatehouse token that the revocation feed says is dead (docs/revocation-feed.md): 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}, like a token that does not verify. With {@code fail-closed},
 * every token while the feed is stale.
 */
public class RevokedTokenFilter {

    private final FeedFollower feed;
    private final RevocationFeedConfig config;
    private final SecurityIdentity identity;
    private final Counter revoked;
    private final Counter unverifiable;

    RevokedTokenFilter(FeedFollower feed, RevocationFeedConfig config, SecurityIdentity identity, MeterRegistry registry) {
        this.feed = feed;
        this.config = config;
        this.identity = identity;
        this.revoked = Counter.builder("gatehouse.revocation.feed.refusals").tag("reason", "revoked")
                .description("Tokens refused by the revocation feed").register(registry);
        this.unverifiable = Counter.builder("gatehouse.revocation.feed.refusals").tag("reason", "stale")
                .description("Tokens refused by the revocation feed").register(registry);
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 1)
    public Optional<Response> refuseRevoked() {
        if (!config.enabled() || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Optional.empty();
        }
        if (config.failClosed() && feed.stale()) {
            unverifiable.increment();
            return Optional.of(refusal());
        }
        if (feed.refuses(uuid(token.getClaim("sid")), uuid(token.getSubject()), stamp(token.getClaim("stamp")),
                Instant.ofEpochSecond(token.getIssuedAtTime()))) {
            revoked.increment();
            return Optional.of(refusal());
        }
        return Optional.empty();
    }

    private static Response refusal() {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build();
    }

    private static UUID uuid(Object claim) {
        String value = claim == null ? null : claim instanceof jakarta.json.JsonString s ? s.getString() : claim.toString();
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String stamp(Object claim) {
        return claim == null ? null : claim instanceof jakarta.json.JsonString s ? s.getString() : claim.toString();
    }
}
