package dev.gatehouse.examples.resourceserver;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import java.util.List;

/** What any signed-in shop user may read. Gatehouse's roles arrive in the token's {@code groups} claim. */
@Path("/api/orders")
public class OrdersResource {

    public record Order(String id, String item, int quantity) {
    }

    @GET
    @RolesAllowed("user")
    public List<Order> list() {
        return List.of(new Order("o-1001", "espresso beans", 2), new Order("o-1002", "milk frother", 1));
    }
}
