package dev.gatehouse.user;

import dev.gatehouse.auth.BearerTokenGuard;
import dev.gatehouse.session.SessionState;
import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.NonBlocking;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The reference protected resource (SPEC §3). */
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
        SessionState state = BearerTokenGuard.caller(identity);
        return new UserView(state.userId(), state.email(), state.displayName(), state.roles());
    }
}
