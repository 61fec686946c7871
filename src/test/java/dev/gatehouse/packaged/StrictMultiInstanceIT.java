package dev.gatehouse.packaged;

import dev.gatehouse.support.Cluster;
import dev.gatehouse.support.Parallel;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/tokens.md "Strict mode" across two instances: exactly one winner, no 5xx. */
class StrictMultiInstanceIT {

    @Test
    void ofSixteenParallelRefreshesOverTwoInstancesExactlyOneWins() throws Exception {
        try (Cluster cluster = Cluster.start(2, Map.of("GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE", "PT0S"))) {
            String token = MultiInstanceIT.signUpAndLogin(cluster.instance(0)).get("refreshToken");
            List<Response> responses = Parallel.run(16,
                    i -> MultiInstanceIT.refresh(cluster.instance(i % 2), token));
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), "exactly one winner");
            assertEquals(15, responses.stream().filter(r -> r.statusCode() == 401).count(), "the rest 401, none 5xx");
            String winner = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow().path("refreshToken");
            assertEquals(401, MultiInstanceIT.refresh(cluster.instance(1), winner).statusCode(), "the session was revoked");
        }
    }
}
