package dev.gatehouse.problem;

import dev.gatehouse.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With every pooled connection busy, a request that needs the database answers 503
 * {@code service_unavailable} in time, not a 500 (docs/operations.md "Database outages"), and the
 * service recovers as soon as connections are free again.
 */
@QuarkusTest
class PoolExhaustionTest {

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.jdbc.max-size")
    int maxSize;

    @Test
    void aFullPoolAnswers503AndRecovers() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < maxSize; i++) {
                held.add(dataSource.getConnection());
            }
            Api.loginResponse(account.email(), account.password())
                    .then().statusCode(503).body("code", equalTo("service_unavailable")).time(lessThan(2000L));
            // The rotation's own statement takes its connection from the same pool.
            Api.refreshResponse(tokens.refreshToken())
                    .then().statusCode(503).body("code", equalTo("service_unavailable")).time(lessThan(2000L));
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        assertEquals(200, Api.loginResponse(account.email(), account.password()).statusCode());
        assertEquals(200, Api.refreshResponse(tokens.refreshToken()).statusCode(), "nothing was rotated or revoked");
    }
}
