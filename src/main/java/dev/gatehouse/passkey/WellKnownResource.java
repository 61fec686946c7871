package dev.gatehouse.passkey;

import dev.gatehouse.problem.Problems;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /.well-known/assetlinks.json} and {@code /.well-known/apple-app-site-association} (docs/passkeys.md
 * "Association files"), each 404 when not configured or while passkeys are off. Public and cacheable: they only name apps.
 */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class WellKnownResource {

    private static final String CACHE = "public, max-age=3600";

    private final AppAssociations associations;
    private final RelyingParty rp;

    WellKnownResource(AppAssociations associations, RelyingParty rp) {
        this.associations = associations;
        this.rp = rp;
    }

    @GET
    @Path("/assetlinks.json")
    public Response assetLinks() {
        rp.requireEnabled();
        return Response.ok(associations.assetLinks().orElseThrow(Problems::notFound)).header("Cache-Control", CACHE).build();
    }

    /** Apple fetches it without an extension and wants application/json. */
    @GET
    @Path("/apple-app-site-association")
    public Response appleAppSiteAssociation() {
        rp.requireEnabled();
        return Response.ok(associations.apple().orElseThrow(Problems::notFound)).header("Cache-Control", CACHE).build();
    }
}
