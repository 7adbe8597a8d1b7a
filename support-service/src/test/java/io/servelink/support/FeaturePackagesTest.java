package io.servelink.support;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Repository;

/**
 * The feature packages of support-service ({@code io.servelink.support.<feature>}) depend on each other without cycles, and no
 * feature reaches into another's internals: its repositories (the tables it owns) are used by that feature only.
 */
class FeaturePackagesTest {

    private static final String ROOT = "io.servelink.support";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void featurePackagesAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void noFeatureUsesAnotherFeaturesRepository() {
        for (String feature : features()) {
            noClasses().that().resideOutsideOfPackage(ROOT + "." + feature + "..")
                    .should().dependOnClassesThat(repositoryOf(feature))
                    .allowEmptyShould(true)
                    .check(CLASSES);
        }
    }

    private static java.util.Set<String> features() {
        java.util.Set<String> features = new java.util.TreeSet<>();
        for (JavaClass type : CLASSES) {
            String rest = type.getPackageName().startsWith(ROOT + ".") ? type.getPackageName().substring(ROOT.length() + 1) : "";
            if (!rest.isEmpty()) {
                features.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
            }
        }
        return features;
    }

    private static DescribedPredicate<JavaClass> repositoryOf(String feature) {
        return DescribedPredicate.describe("repositories of feature '" + feature + "'",
                type -> type.getPackageName().startsWith(ROOT + "." + feature)
                        && (type.isAnnotatedWith(Repository.class) || type.getSimpleName().endsWith("Repository")));
    }
}
