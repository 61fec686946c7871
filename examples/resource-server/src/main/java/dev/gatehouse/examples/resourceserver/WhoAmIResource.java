package dev.gatehouse.examples.resourceserver;

import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Who the verified token says the caller is. The claims are trusted until the token's exp: this
 * service has no way to learn that Gatehouse revoked the session meanwhile.
 */
@Path("/api/whoami")
public class WhoAmIResource {

    /** {@code sub} is the Gatehouse user id; {@code groups} its roles. */
    public record WhoAmI(String sub, Set<String> groups) {
    }

    @Inject
    JsonWebToken jwt;

    @GET
    @Authenticated
    public WhoAmI whoAmI() {
        return new WhoAmI(jwt.getSubject(), jwt.getGroups());
    }
}
