package dev.gatehouse.keys;

import dev.gatehouse.config.GatehouseConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/** The public keys that may verify a live token (docs/api.md "GET /.well-known/jwks.json", RFC 7517). */
@Path("/.well-known/jwks.json")
public class JwksResource {

    private final SigningKeys keys;
    private final String cacheControl;

    JwksResource(SigningKeys keys, GatehouseConfig config) {
        this.keys = keys;
        this.cacheControl = "public, max-age=" + config.jwks().maxAge().toSeconds();
    }

    @GET
    @NonBlocking // a precomputed document: no reason to leave the event loop
    @Produces({"application/json", "application/jwk-set+json"})
    public Response jwks() {
        return Response.ok(keys.jwksJson()).header("Cache-Control", cacheControl).build();
    }
}
