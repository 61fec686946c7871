package dev.gatehouse.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document describes every endpoint, its body and its problem codes. */
@QuarkusTest
class OpenApiTest {

    @Test
    void everyEndpointWithItsProblemCodes() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        for (String[] op : new String[][]{{"/api/auth/register", "post"}, {"/api/auth/login", "post"},
                {"/api/auth/refresh", "post"}, {"/api/auth/logout", "post"}, {"/api/auth/logout-all", "post"},
                {"/api/auth/password", "post"}, {"/api/auth/sessions", "get"}, {"/api/auth/sessions/{id}", "delete"},
                {"/api/users/me", "get"}, {"/api/admin/users", "get"}, {"/api/admin/users/{id}/sessions", "get"},
                {"/api/admin/users/{id}/events", "get"}, {"/api/admin/users/{id}/roles", "put"},
                {"/api/admin/users/{id}/revoke-sessions", "post"}, {"/api/admin/users/{id}/suspend", "post"},
                {"/api/admin/users/{id}/reinstate", "post"}, {"/.well-known/jwks.json", "get"},
                {"/api/users/me", "delete"}, {"/api/users/me/export", "get"}, {"/api/admin/users/{id}", "delete"}}) {
            assertNotNull(doc.get("paths.'" + op[0] + "'." + op[1]), op[0] + " " + op[1] + " is documented");
        }
        assertTrue(description(doc, "/api/auth/refresh", "post", "401").contains("invalid_refresh_token"));
        assertTrue(description(doc, "/api/auth/login", "post", "403").contains("account_suspended"));
        assertTrue(description(doc, "/api/auth/login", "post", "429").contains("rate_limited"));
        assertTrue(description(doc, "/api/auth/register", "post", "409").contains("email_taken"));
        assertTrue(description(doc, "/api/admin/users/{id}/suspend", "post", "403").contains("forbidden"));
        assertTrue(description(doc, "/api/users/me", "get", "401").contains("invalid_token"));
        assertTrue(description(doc, "/api/auth/password", "post", "400").contains("invalid_current_password"));
        assertTrue(description(doc, "/api/users/me", "delete", "409").contains("last_admin"));
        assertTrue(description(doc, "/api/users/me", "delete", "400").contains("invalid_current_password"));
        assertTrue(description(doc, "/api/admin/users/{id}", "delete", "409").contains("last_admin"));
        assertTrue(description(doc, "/api/admin/users/{id}/roles", "put", "409").contains("last_admin"));
        List<String> codes = doc.getList("components.schemas.Problem.properties.code.enum");
        assertTrue(codes.containsAll(List.of("validation_failed", "invalid_refresh_token", "service_unavailable")), codes.toString());
        assertNotNull(doc.get("paths.'/api/auth/register'.post.requestBody"), "the register body is described");
        for (String path : new String[] {"/api/auth/refresh", "/api/auth/logout"}) {
            assertEquals(List.of("cookie"), doc.getList("paths.'" + path + "'.post.parameters.findAll { it.name == 'gh_refresh' }.in"),
                    path + " documents the refresh cookie of web mode");
        }
        String refreshBody = doc.getString("paths.'/api/auth/refresh'.post.requestBody.content.'application/json'.schema.'$ref'");
        assertTrue(refreshBody != null && refreshBody.endsWith("RefreshRequest"), "refresh body: " + refreshBody);
    }

    private static String description(JsonPath doc, String path, String method, String status) {
        String value = doc.getString("paths.'" + path + "'." + method + ".responses.'" + status + "'.description");
        assertNotNull(value, path + " " + method + " " + status);
        return value;
    }
}
