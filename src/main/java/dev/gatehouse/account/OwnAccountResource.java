package dev.gatehouse.account;

import dev.gatehouse.abuse.ClientAddress;
import dev.gatehouse.abuse.RateLimits;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.UserView;
import io.quarkus.security.Authenticated;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The caller's own account: {@code GET /api/users/me} (the reference protected resource), its deletion and
 * its data export (docs/api.md "GET /api/users/me", "DELETE /api/users/me", "GET /api/users/me/export").
 * Every {@code /api/users/me} route lives in this one class: JAX-RS picks one resource class per request by
 * its path, so a second class under an overlapping path would hide some of these methods behind a 405.
 */
@Path("/api/users/me")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class OwnAccountResource {

    private final AccountDeletion deletion;
    private final DataExport export;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final SecurityIdentity identity;

    OwnAccountResource(AccountDeletion deletion, DataExport export, RateLimits rateLimits, ClientAddress clientAddress,
                    SecurityIdentity identity) {
        this.deletion = deletion;
        this.export = export;
        this.rateLimits = rateLimits;
        this.clientAddress = clientAddress;
        this.identity = identity;
    }

    /**
     * Served from the state the Bearer check already holds: no database round trip, and so no
     * reason to leave the event loop (a cache miss in the check runs on a worker by itself).
     */
    @GET
    @NonBlocking
    public UserView me() {
        return Caller.of(identity).view();
    }

    @DELETE
    @Consumes(MediaType.APPLICATION_JSON)
    public Response delete(@Valid AccountDeletionRequest request, @Context HttpServerRequest http) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
        String clientIp = clientAddress.of(http);
        // docs/api.md "DELETE /api/users/me": a password guess takes a token of the per-IP login bucket
        rateLimits.check(RateLimits.Endpoint.LOGIN, clientIp);
        Caller caller = Caller.of(identity);
        deletion.deleteOwn(caller, request.password(), clientIp);
        return Response.noContent().build();
    }

    @GET
    @Path("/export")
    public Response export() {
        Caller caller = Caller.of(identity);
        DataExport.Export data = export.of(caller.userId(), caller.sessionId())
                .orElseThrow(UnauthorizedException::new); // deleted while the request was on its way
        return Response.ok(data)
                .header("Content-Disposition", "attachment; filename=\"gatehouse-export.json\"")
                .header("Cache-Control", "no-store")
                .build();
    }
}
