package io.servelink.contracts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** shared-contracts holds contracts only: no Spring, no Kafka client, no database, and no cycle between its packages. */
class ContractsOnlyTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.servelink.contracts");

    @Test
    void dependsOnNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                "io.r2dbc..", "reactor..", "io.servelink.starter..").check(CLASSES);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.servelink.contracts.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
