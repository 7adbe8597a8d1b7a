package io.servelink.gateway;

import io.servelink.infra.test.FeaturePackages;
import org.junit.jupiter.api.Test;

/** The feature packages of gateway: no cycles, and no feature uses another feature's repositories. */
class FeaturePackagesTest {

    private static final FeaturePackages FEATURES = FeaturePackages.of("io.servelink.gateway");

    @Test
    void featurePackagesAreFreeOfCycles() {
        FEATURES.areFreeOfCycles();
    }

    @Test
    void noFeatureUsesAnotherFeaturesRepository() {
        FEATURES.useNoOtherFeaturesRepository();
    }
}
