package io.servelink.infra.test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * The package rules every service keeps (its {@code FeaturePackagesTest}): the feature packages below the service's
 * root ({@code io.servelink.<service>.<feature>}) depend on each other without cycles, and no feature reaches into
 * another's internals: a feature's repositories (the tables it owns) are used by that feature only.
 */
public final class FeaturePackages {

    private final String root;
    private final JavaClasses classes;

    private FeaturePackages(String root) {
        this.root = root;
        this.classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(root);
    }

    /** The main classes below {@code root}. */
    public static FeaturePackages of(String root) {
        return new FeaturePackages(root);
    }

    public void areFreeOfCycles() {
        slices().matching(root + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    public void useNoOtherFeaturesRepository() {
        for (String feature : features()) {
            noClasses().that().resideOutsideOfPackage(root + "." + feature + "..")
                    .should().dependOnClassesThat(repositoryOf(feature))
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    private Set<String> features() {
        Set<String> features = new TreeSet<>();
        for (JavaClass type : classes) {
            String name = type.getPackageName();
            if (name.startsWith(root + ".")) {
                String rest = name.substring(root.length() + 1);
                features.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
            }
        }
        return features;
    }

    private DescribedPredicate<JavaClass> repositoryOf(String feature) {
        return DescribedPredicate.describe("repositories of feature '" + feature + "'",
                type -> (type.getPackageName().equals(root + "." + feature) || type.getPackageName().startsWith(root + "." + feature + "."))
                        && (type.isAnnotatedWith("org.springframework.stereotype.Repository") || type.getSimpleName().endsWith("Repository")));
    }
}
