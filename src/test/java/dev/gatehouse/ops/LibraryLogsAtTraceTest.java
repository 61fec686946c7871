package dev.gatehouse.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/**
 * docs/operations.md "Logs": the libraries that print entities, bound values or tokens below INFO are
 * capped at INFO at build time, so an operator who raises them to TRACE at run time still gets no
 * hash and no token in the log. The same flow and checks as {@link NoSecretsInLogsTest}.
 */
@QuarkusTest
@TestProfile(LibraryLogsAtTraceTest.LibrariesAtTrace.class)
class LibraryLogsAtTraceTest extends NoSecretsInLogsTest {

    public static class LibrariesAtTrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.log.category.\"org.hibernate\".level", "TRACE",
                    "quarkus.log.category.\"io.smallrye.jwt\".level", "TRACE",
                    "quarkus.log.category.\"io.quarkus.smallrye.jwt\".level", "TRACE",
                    "quarkus.log.category.\"org.jose4j\".level", "TRACE",
                    "quarkus.log.category.\"org.postgresql\".level", "TRACE");
        }
    }
}
