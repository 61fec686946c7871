package dev.gatehouse.admin;

import dev.gatehouse.account.AccountDeletion;
import dev.gatehouse.account.AccountSecurity;
import dev.gatehouse.common.Ids;
import dev.gatehouse.common.PlainText;
import dev.gatehouse.event.SecurityEventView;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mfa.SecondFactor;
import dev.gatehouse.problem.Problem;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.SessionView;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.user.Accounts;
import dev.gatehouse.user.Emails;
import dev.gatehouse.user.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * Admin powers (docs/api.md "Admin endpoints"): find users, see their sessions and security events, change roles, end
 * their sessions, suspend and reinstate, delete. 403 {@code forbidden} without the role, 404 {@code not_found}
 * for an unknown or malformed user id; a deleted user's events are the one thing that still answers.
 */
@Path("/api/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed("admin")
public class AdminResource {

    private static final int MAX_PAGE_SIZE = 100;
    private static final int MAX_EVENTS = 100;

    private final Accounts accounts;
    private final AccountSecurity accountSecurity;
    private final AccountDeletion accountDeletion;
    private final Sessions sessions;
    private final SecurityEvents events;
    private final SecurityIdentity identity;
    private final SecondFactor secondFactor;

    AdminResource(Accounts accounts, AccountSecurity accountSecurity, AccountDeletion accountDeletion, Sessions sessions,
                  SecurityEvents events, SecondFactor secondFactor, SecurityIdentity identity) {
        this.accounts = accounts;
        this.accountSecurity = accountSecurity;
        this.accountDeletion = accountDeletion;
        this.sessions = sessions;
        this.events = events;
        this.identity = identity;
        this.secondFactor = secondFactor;
    }

    /** By email (0 or 1 result), or a page ordered by creation time. */
    @GET
    public List<AdminUserView> find(@QueryParam("email") String email, @QueryParam("page") String page,
                                    @QueryParam("size") String size) {
        if (email != null) {
            if (!PlainText.Validator.isPlain(Emails.normalize(email), false)) { // trimmed first, as everywhere
                // docs/api.md "Input rules": the same rule as every email that enters
                throw new ProblemException(ProblemCode.VALIDATION_FAILED, "Invalid query parameter email.",
                        List.of(new Problem.FieldError("email", "must not contain control, invisible or unassigned characters or spaces")));
            }
            return accounts.findByEmail(email).map(AdminUserView::of).stream().toList();
        }
        int pageIndex = intParam("page", page, 0, 0, Integer.MAX_VALUE);
        int pageSize = intParam("size", size, 20, 1, MAX_PAGE_SIZE);
        return accounts.page(pageIndex, pageSize).stream().map(AdminUserView::of).toList();
    }

    @GET
    @Path("/{id}/sessions")
    public List<SessionView> sessions(@PathParam("id") String id) {
        return sessions.listActive(existingUser(id), null);
    }

    @GET
    @Path("/{id}/events")
    public List<SecurityEventView> events(@PathParam("id") String id) {
        UUID userId = userId(id);
        List<SecurityEventView> recent = events.recent(userId, MAX_EVENTS);
        // docs/api.md "Account deletion": a deleted user's id keeps answering here, with its account_deleted
        // event; that is the only event such an id has, and an id that never existed has none.
        if (recent.isEmpty() && !accounts.exists(userId)) {
            throw Problems.noSuchUser();
        }
        return recent;
    }

    /** docs/api.md "DELETE /api/admin/users/{id}": 409 {@code last_admin} for the only active admin. */
    @DELETE
    @Path("/{id}")
    public void delete(@PathParam("id") String id) {
        accountDeletion.deleteByAdmin(userId(id), adminId());
    }

    /** docs/mfa.md "Admin reset": for a user who lost the device; 409 {@code mfa_not_enabled} when TOTP is off. */
    @DELETE
    @Path("/{id}/mfa")
    public void resetMfa(@PathParam("id") String id) {
        secondFactor.reset(userId(id), adminId());
    }

    @PUT
    @Path("/{id}/roles")
    @Consumes(MediaType.APPLICATION_JSON)
    public void setRoles(@PathParam("id") String id, @Valid RolesRequest request) {
        if (request == null) {
            throw Problems.bodyRequired();
        }
        accountSecurity.setRoles(userId(id), List.copyOf(new LinkedHashSet<>(request.roles())), adminId());
    }

    @POST
    @Path("/{id}/revoke-sessions")
    public void revokeSessions(@PathParam("id") String id) {
        accountSecurity.revokeSessions(userId(id), adminId());
    }

    @POST
    @Path("/{id}/suspend")
    public void suspend(@PathParam("id") String id) {
        accountSecurity.suspend(userId(id), adminId());
    }

    @POST
    @Path("/{id}/reinstate")
    public void reinstate(@PathParam("id") String id) {
        accountSecurity.reinstate(userId(id), adminId());
    }

    private UUID adminId() {
        return Caller.of(identity).userId();
    }

    private UUID existingUser(String id) {
        UUID userId = userId(id);
        if (!accounts.exists(userId)) {
            throw Problems.noSuchUser();
        }
        return userId;
    }

    private static UUID userId(String id) {
        UUID userId = Ids.parse(id);
        if (userId == null) {
            throw Problems.noSuchUser(); // same answer as an unknown id
        }
        return userId;
    }

    private static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new ProblemException(ProblemCode.VALIDATION_FAILED, "Invalid query parameter " + name + ".",
                List.of(new Problem.FieldError(name, "must be a whole number from " + min + " to " + max)));
    }
}
