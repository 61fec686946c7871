package dev.gatehouse.examples.resourceserver;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Only for Gatehouse admins: a valid token without the {@code admin} group gets 403. */
@Path("/api/admin/report")
public class AdminReportResource {

    public record Report(int openOrders, int customers) {
    }

    @GET
    @RolesAllowed("admin")
    public Report report() {
        return new Report(2, 1);
    }
}
