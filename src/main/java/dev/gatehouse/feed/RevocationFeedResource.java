package dev.gatehouse.feed;

import dev.gatehouse.problem.Problem;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The revocation feed for resource servers (docs/revocation-feed.md): pages and a stream of what Gatehouse revoked,
 * behind a feed secret.
 */
@Path("/api/revocations")
public class RevocationFeedResource {

    private static final Pattern SEQ = Pattern.compile("0|[1-9][0-9]{0,17}");

    private final FeedSecrets secrets;
    private final RevocationFeed feed;
    private final RevocationStream stream;

    RevocationFeedResource(FeedSecrets secrets, RevocationFeed feed, RevocationStream stream) {
        this.secrets = secrets;
        this.feed = feed;
        this.stream = stream;
    }

    /** Every retained fact after {@code after} (all of them without it), at most 1,000 a page. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public FeedPage page(@QueryParam("after") String after, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        secrets.check(authorization);
        long cursor = seq(after, "after");
        feed.sequence();
        RevocationFeed.Page page = feed.page(cursor);
        return new FeedPage(Long.toString(page.cursor()), page.events().stream().map(FeedEvent::of).toList(), page.more());
    }

    /** The same facts as server-sent events, from {@code Last-Event-ID} (or the oldest retained) on, then as they come. */
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                       @HeaderParam("Last-Event-ID") String lastEventId, @Context SseEventSink sink, @Context Sse sse) {
        secrets.check(authorization);
        stream.subscribe(sink, sse, seq(lastEventId, "Last-Event-ID"));
    }

    /** A cursor: the decimal {@code seq} of a fact; absent, 0 (before every fact). */
    private static long seq(String value, String name) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (!SEQ.matcher(value).matches()) {
            throw new ProblemException(ProblemCode.VALIDATION_FAILED, "The cursor is not valid.",
                    List.of(new Problem.FieldError(name, "must be the decimal seq of an event")));
        }
        return Long.parseLong(value);
    }
}
