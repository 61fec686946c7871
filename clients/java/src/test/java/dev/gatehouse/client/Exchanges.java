package dev.gatehouse.client;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;

/** Writing an answer with the JDK's HTTP server, for the test servers here. */
final class Exchanges {

    private Exchanges() {
    }

    /** Sends the status and body (none when empty); the caller closes the exchange. */
    static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}
