package io.servelink.payment;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Feature packages depend on each other only one way, and nothing depends on the local simulator. */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.servelink.payment");

    @Test
    void nothingDependsOnTheSimulator() {
        noClasses().that().resideOutsideOfPackage("..simulator..")
                .should().dependOnClassesThat().resideInAPackage("..simulator..").check(CLASSES);
    }

    @Test
    void theProviderClientKnowsNothingOfPaymentsWebhooksOrJobs() {
        noClasses().that().resideInAPackage("..payment.provider..")
                .should().dependOnClassesThat().resideInAnyPackage("..payment.payment..", "..payment.webhook..",
                        "..payment.reconciliation..", "..payment.invoice..")
                .check(CLASSES);
    }

    @Test
    void paymentsDoNotReachIntoWebhookOrReconciliation() {
        noClasses().that().resideInAnyPackage("..payment.payment..", "..payment.invoice..")
                .should().dependOnClassesThat().resideInAnyPackage("..payment.webhook..", "..payment.reconciliation..")
                .check(CLASSES);
    }
}
