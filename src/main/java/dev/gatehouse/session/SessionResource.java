package dev.gatehouse.session;

import dev.gatehouse.common.Ids;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.user.Caller;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.UUID;

/** The caller's own device sessions (docs/api.md "GET /api/auth/sessions", "DELETE /api/auth/sessions/{id}"). */
@Path("/api/auth/sessions")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class SessionResource {

    private final Sessions sessions;
    private final SecurityIdentity identity;

    SessionResource(Sessions sessions, SecurityIdentity identity) {
        this.sessions = sessions;
        this.identity = identity;
    }

    @GET
    public List<SessionView> list() {
        Caller caller = Caller.of(identity);
        return sessions.listActive(caller.userId(), caller.sessionId());
    }

    /** 404 alike for another user's, an unknown or a malformed id: nothing tells them apart. */
    @DELETE
    @Path("/{id}")
    public void revoke(@PathParam("id") String id) {
        Caller caller = Caller.of(identity);
        UUID sessionId = Ids.parse(id);
        if (sessionId == null || !sessions.revokeOwn(caller.userId(), sessionId)) {
            throw Problems.noSuchSession();
        }
    }
}
