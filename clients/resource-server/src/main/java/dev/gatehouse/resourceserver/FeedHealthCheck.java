package dev.gatehouse.resourceserver;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** DOWN while the revocation feed has been unheard of for longer than {@code max-staleness} (docs/revocation-feed.md). */
@Readiness
public class FeedHealthCheck implements HealthCheck {

    private final FeedFollower feed;
    private final RevocationFeedConfig config;

    FeedHealthCheck(FeedFollower feed, RevocationFeedConfig config) {
        this.feed = feed;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.enabled()) {
            return HealthCheckResponse.named("gatehouse-revocation-feed").up().withData("enabled", false).build();
        }
        return HealthCheckResponse.named("gatehouse-revocation-feed").status(!feed.stale())
                .withData("stalenessMillis", Math.min(feed.staleness().toMillis(), Long.MAX_VALUE / 2))
                .withData("lastSeq", feed.lastSeq()).withData("facts", feed.facts())
                .withData("lastStatus", feed.lastStatus()).build();
    }
}
