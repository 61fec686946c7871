package dev.gatehouse.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The shape docs/decisions.md "Data access" and "Packages" promise, checked on the compiled classes. */
class ArchitectureTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.gatehouse");
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.gatehouse.(*)..").should().beFreeOfCycles().check(main);
    }

    /**
     * Every table is reached through its Panache entity; JDBC is left only to the rotation's and the
     * lockout's named one-round-trip statements, the LISTEN connection, the dev-mode database and the one
     * classification of failures.
     */
    @Test
    void jdbcOnlyWhereNamed() {
        noClasses().that().resideInAPackage("dev.gatehouse..")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.token.RotationStatement")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.abuse.LockoutStatement")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.session.RevocationListener")
                .and().doNotHaveFullyQualifiedName("dev.gatehouse.problem.DatabaseUnavailableException")
                .and().resideOutsideOfPackage("dev.gatehouse.devdb..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "io.agroal..")
                .check(main);
    }

    /** Resources read the verified caller from the identity; none reaches into the Bearer check. */
    @Test
    void resourcesDoNotDependOnTheBearerCheck() {
        noClasses().that().resideOutsideOfPackage("dev.gatehouse.auth..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.gatehouse.auth.BearerTokenGuard")
                .check(main);
    }
}
