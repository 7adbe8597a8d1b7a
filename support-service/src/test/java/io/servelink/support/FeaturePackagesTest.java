package io.servelink.support;

import io.servelink.infra.test.FeaturePackages;
import org.junit.jupiter.api.Test;

/** The feature packages of support-service: no cycles, and no feature uses another feature's repositories. */
class FeaturePackagesTest {

    private static final FeaturePackages FEATURES = FeaturePackages.of("io.servelink.support");

    @Test
    void featurePackagesAreFreeOfCycles() {
        FEATURES.areFreeOfCycles();
    }

    @Test
    void noFeatureUsesAnotherFeaturesRepository() {
        FEATURES.useNoOtherFeaturesRepository();
    }
}
