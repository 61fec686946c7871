package dev.gatehouse.examples.resourceserver;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;

/**
 * A shop user's saved cards: sensitive, so a password sign-in is not enough. A token without {@code mfa} in
 * {@code amr} gets 403 with the step-up challenge ({@link SecondFactor}), and the app signs in again with the
 * second factor (docs/mfa.md "Requiring a second factor at a resource server").
 */
@Path("/api/payment-methods")
public class PaymentMethodsResource {

    public record PaymentMethod(String brand, String last4, String expires) {
    }

    @Inject
    JsonWebToken jwt;

    @GET
    @RolesAllowed("user")
    public Response list() {
        if (!SecondFactor.proven(jwt)) {
            return SecondFactor.required();
        }
        return Response.ok(List.of(new PaymentMethod("visa", "4242", "2029-04"))).build();
    }
}
