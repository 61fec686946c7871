package dev.gatehouse.feed;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** docs/revocation-feed.md "Access": without secrets the feed does not exist. */
@QuarkusTest
class RevocationFeedOffTest {

    @Test
    void withoutSecretsTheFeedIsNotFound() {
        given().auth().oauth2("any secret long enough to be one 32+").get("/api/revocations").then().statusCode(404)
                .body("code", equalTo("not_found"));
        given().get("/api/revocations/stream").then().statusCode(404);
    }
}
