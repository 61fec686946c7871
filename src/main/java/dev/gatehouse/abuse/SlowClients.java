package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Slow-loris defence (docs/operations.md "Slow clients"): a connection gets
 * {@code gatehouse.http.request-read-timeout} (30 s) to deliver each request's headers and body,
 * counted from the connection's opening for its first request and from the first byte of each
 * later one; when time runs out the connection is closed. Vert.x has only an idle timeout, which
 * every byte restarts, so a client sending one byte every few seconds would otherwise hold its
 * connection (and a file descriptor) for hours.
 * <p>
 * Vert.x offers no hook on accepted connections that Quarkus leaves free, so the guard goes into
 * Netty's pipelines: the first request the public server routes hands over its listening channel
 * (the parent of its connection's channel), where {@link Acceptor} puts a {@link Deadline} at the
 * front of every connection accepted from then on. The deadline sees the raw bytes (the first
 * byte starts the clock); a {@link Completion} behind the HTTP/1 decoder stops it when the
 * request's last content is decoded. Cleartext HTTP/2 is off (application.properties), so every
 * connection is an HTTP/1 pipeline whose decoder exists from the start; a pipeline without one is
 * left alone.
 */
@Singleton
public class SlowClients {

    private static final Logger LOG = Logger.getLogger(SlowClients.class);
    static final String DEADLINE = "gatehouse-request-deadline";
    static final String COMPLETION = "gatehouse-request-completion";
    /** Vert.x's name for the HTTP/1 request decoder in a connection's pipeline. */
    private static final String HTTP1_DECODER = "httpDecoder";

    private final long timeoutNanos;
    private final Set<Channel> guardedServers = ConcurrentHashMap.newKeySet();

    SlowClients(GatehouseConfig config) {
        this.timeoutNanos = config.http().requestReadTimeout().toNanos();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (context.request().connection() instanceof ConnectionBase connection) {
                guard(connection.channel());
            }
            context.next();
        });
    }

    private void guard(Channel connection) {
        Channel server = connection.parent();
        if (server == null || guardedServers.contains(server)) {
            return;
        }
        if (guardedServers.add(server)) {
            server.pipeline().addFirst(new Acceptor());
            LOG.debugf("Slow-client deadline of %d ms installed on %s", TimeUnit.NANOSECONDS.toMillis(timeoutNanos), server);
            // This connection was accepted before: it gets its deadline from its next request on.
            connection.eventLoop().execute(() -> {
                if (connection.isActive() && connection.pipeline().get(DEADLINE) == null) {
                    Deadline deadline = new Deadline(false);
                    connection.pipeline().addFirst(DEADLINE, deadline);
                    deadline.watchCompletion(connection.pipeline());
                }
            });
        }
    }

    /** On the listening channel: every accepted connection starts with a {@link Deadline}. */
    @ChannelHandler.Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof Channel accepted) {
                accepted.pipeline().addFirst(DEADLINE, new Deadline(true));
            }
            ctx.fireChannelRead(message);
        }
    }

    /** First in a connection's pipeline: starts the clock and closes the connection when it runs out. */
    final class Deadline extends ChannelInboundHandlerAdapter {
        private final boolean fromOpening;
        private ScheduledFuture<?> timer;

        Deadline(boolean fromOpening) {
            this.fromOpening = fromOpening;
        }

        /** Puts the {@link Completion} behind the decoder; a pipeline without one is not HTTP/1 and is left alone. */
        boolean watchCompletion(ChannelPipeline pipeline) {
            if (pipeline.get(HTTP1_DECODER) == null) {
                pipeline.remove(this);
                return false;
            }
            if (pipeline.get(COMPLETION) == null) {
                pipeline.addAfter(HTTP1_DECODER, COMPLETION, new Completion(this));
            }
            return true;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // Vert.x built the HTTP/1 pipeline when the connection was registered, just before this.
            if (fromOpening && watchCompletion(ctx.pipeline())) {
                start(ctx); // a connection that sends nothing at all is closed as well
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (timer == null) {
                start(ctx);
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }

        private void start(ChannelHandlerContext ctx) {
            timer = ctx.executor().schedule(() -> {
                LOG.debugf("Closed a connection that did not deliver its request within %d ms",
                        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        /** The request was read whole: the next one starts the clock at its first byte. */
        void stop() {
            if (timer != null) {
                timer.cancel(false); // on the connection's event loop, like the timer: a cancelled one never runs
                timer = null;
            }
        }
    }

    /** Behind the HTTP/1 decoder: the last content of a request stops its clock. */
    static final class Completion extends ChannelInboundHandlerAdapter {
        private final Deadline deadline;

        Completion(Deadline deadline) {
            this.deadline = deadline;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof LastHttpContent) {
                deadline.stop();
            }
            ctx.fireChannelRead(message);
        }
    }
}
