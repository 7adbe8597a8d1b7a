package io.servelink.starter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The starter's packages (jobs, outbox, kafka, client, audit, ...) depend on each other without cycles, and the
 * starter knows no service: services depend on it, never the reverse.
 */
class PackagesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.servelink.starter");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.servelink.starter.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theStarterDependsOnNoService() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.servelink.gateway..", "io.servelink.usage..",
                "io.servelink.payment..", "io.servelink.resources..", "io.servelink.support..").check(CLASSES);
    }
}
