package dev.gatehouse.feed;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/** One event as the feed serves it (docs/revocation-feed.md "Events"); members that do not apply are left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection
public record FeedEvent(long seq, String kind, Instant at, UUID sid, UUID sub, String stamp) {

    static FeedEvent of(RevocationFeed.Event event) {
        return new FeedEvent(event.seq(), event.kind(), event.at(), event.sid(), event.sub(), event.stamp());
    }
}
