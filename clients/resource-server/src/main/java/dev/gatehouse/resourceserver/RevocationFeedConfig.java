package dev.gatehouse.resourceserver;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The library's settings; the first two are the ones a service sets (docs/revocation-feed.md). */
@ConfigMapping(prefix = "gatehouse.revocation-feed")
public interface RevocationFeedConfig {

    /** {@code false}: the library does nothing (no connection, no check); for an operator's emergency switch, and benchmarks. */
    @WithDefault("true")
    boolean enabled();

    /** Gatehouse's base URL, e.g. {@code https://auth.internal}: the feed is {@code <url>/api/revocations}. */
    String url();

    /** One of Gatehouse's {@code gatehouse.revocation-feed.secrets}. */
    String secret();

    /** How long the feed may be unheard of before the health check is DOWN (and, fail-closed, every token refused). */
    @WithDefault("PT5S")
    Duration maxStaleness();

    /** Refuse every token while the feed is stale: no revoked token is ever accepted, at the price of availability. */
    @WithDefault("false")
    boolean failClosed();

    /** How long a fact is kept: Gatehouse's access-token ttl plus its clock skew. */
    @WithDefault("PT15M30S")
    Duration retention();

    /** Gatehouse's clock skew: a token of a user whose stamp changed is refused if issued up to this long after the change. */
    @WithDefault("PT30S")
    Duration clockSkew();
}
