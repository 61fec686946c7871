package dev.gatehouse.user;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.NonBlocking;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The reference protected resource (docs/api.md "GET /api/users/me"). */
@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private final SecurityIdentity identity;

    UserResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    /**
     * Served from the state the Bearer check already holds: no database round trip, and so no
     * reason to leave the event loop (a cache miss in the check runs on a worker by itself).
     */
    @GET
    @Path("/me")
    @Authenticated
    @NonBlocking
    public UserView me() {
        return Caller.of(identity).view();
    }
}
