package dev.gatehouse.ops;

import dev.gatehouse.problem.ProblemCode;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.gatehouse.problem.ProblemCode.*;

/**
 * Documents in {@code /q/openapi} the problem answers of every endpoint (docs/api.md "Problem codes"): for each
 * status, the {@code code} values it can carry, with the RFC 9457 body as schema, and the Bearer
 * scheme on the endpoints that need an access token. It runs at build time: the document is
 * static, so the start pays nothing for it.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ProblemResponsesFilter implements OASFilter {

    private static final Set<ProblemCode> ANY = EnumSet.of(NOT_FOUND, METHOD_NOT_ALLOWED, SERVICE_UNAVAILABLE);
    private static final Set<ProblemCode> BODY = EnumSet.of(VALIDATION_FAILED, MALFORMED_REQUEST, UNSUPPORTED_MEDIA_TYPE,
            PAYLOAD_TOO_LARGE);
    private static final Set<ProblemCode> BEARER = EnumSet.of(INVALID_TOKEN);
    private static final Set<ProblemCode> ADMIN = EnumSet.of(INVALID_TOKEN, FORBIDDEN);

    private static final Map<String, Set<ProblemCode>> CODES = new LinkedHashMap<>();

    static {
        CODES.put("POST /api/auth/register", union(BODY, EnumSet.of(EMAIL_TAKEN, RATE_LIMITED)));
        CODES.put("POST /api/auth/login", union(BODY, EnumSet.of(INVALID_CREDENTIALS, INVALID_DPOP_PROOF, ACCOUNT_SUSPENDED, RATE_LIMITED)));
        CODES.put("POST /api/auth/refresh", union(BODY, EnumSet.of(INVALID_REFRESH_TOKEN, INVALID_DPOP_PROOF, RATE_LIMITED)));
        CODES.put("POST /api/auth/logout", BODY);
        CODES.put("POST /api/auth/logout-all", BEARER);
        CODES.put("POST /api/auth/password", union(BODY, EnumSet.of(INVALID_CURRENT_PASSWORD, INVALID_TOKEN)));
        CODES.put("GET /api/auth/sessions", BEARER);
        CODES.put("DELETE /api/auth/sessions/{id}", BEARER);
        CODES.put("GET /api/users/me", BEARER);
        CODES.put("DELETE /api/users/me", union(BODY, EnumSet.of(INVALID_CURRENT_PASSWORD, INVALID_TOKEN, LAST_ADMIN,
                RATE_LIMITED)));
        CODES.put("GET /api/users/me/export", BEARER);
        CODES.put("GET /api/admin/users", union(ADMIN, EnumSet.of(VALIDATION_FAILED)));
        CODES.put("PUT /api/admin/users/{id}/roles", union(ADMIN, BODY, EnumSet.of(LAST_ADMIN)));
        CODES.put("POST /api/admin/users/{id}/suspend", union(ADMIN, EnumSet.of(LAST_ADMIN)));
        CODES.put("DELETE /api/admin/users/{id}", union(ADMIN, EnumSet.of(LAST_ADMIN)));
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema("Problem", problemSchema());
        components.addSecurityScheme("bearer", OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT").description("A Gatehouse access token"));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) ->
                document(method + " " + path, path, operation)));
    }

    private static void document(String key, String path, Operation operation) {
        Set<ProblemCode> codes = EnumSet.copyOf(ANY);
        codes.addAll(CODES.getOrDefault(key, path.startsWith("/api/admin/") ? ADMIN : Set.of()));
        if (codes.contains(INVALID_TOKEN)) {
            operation.addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme("bearer"));
        }
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        Map<Integer, List<ProblemCode>> byStatus = new TreeMap<>(codes.stream()
                .collect(Collectors.groupingBy(ProblemCode::status)));
        byStatus.forEach((status, list) -> responses.addAPIResponse(String.valueOf(status), OASFactory.createAPIResponse()
                .description("Problem (RFC 9457), code: " + list.stream().map(ProblemCode::code).sorted()
                        .collect(Collectors.joining(", ")))
                .content(OASFactory.createContent().addMediaType("application/problem+json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/Problem"))))));
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", string).addProperty("message", string);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details with Gatehouse's code")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .example("urn:gatehouse:problem:invalid_refresh_token"))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("code", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .enumeration(java.util.Arrays.stream(ProblemCode.values()).map(c -> (Object) c.code()).toList()))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .required(List.of("type", "title", "status", "code"));
    }

    @SafeVarargs
    private static Set<ProblemCode> union(Set<ProblemCode>... sets) {
        Set<ProblemCode> all = EnumSet.noneOf(ProblemCode.class);
        for (Set<ProblemCode> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
