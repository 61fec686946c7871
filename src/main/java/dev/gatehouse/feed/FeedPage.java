package dev.gatehouse.feed;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** {@code GET /api/revocations} (docs/revocation-feed.md "Pages"): {@code cursor} is the decimal seq to ask after next. */
@RegisterForReflection
public record FeedPage(String cursor, List<FeedEvent> events, boolean more) {
}
