package io.servelink.resources;

import io.servelink.infra.test.FeaturePackages;
import org.junit.jupiter.api.Test;

/** The feature packages of resources-service: no cycles, and no feature uses another feature's repositories. */
class FeaturePackagesTest {

    private static final FeaturePackages FEATURES = FeaturePackages.of("io.servelink.resources");

    @Test
    void featurePackagesAreFreeOfCycles() {
        FEATURES.areFreeOfCycles();
    }

    @Test
    void noFeatureUsesAnotherFeaturesRepository() {
        FEATURES.useNoOtherFeaturesRepository();
    }
}
