package io.servelink.payment;

import io.servelink.infra.test.FeaturePackages;
import org.junit.jupiter.api.Test;

/** The feature packages of payment-service: no cycles, and no feature uses another feature's repositories. */
class FeaturePackagesTest {

    private static final FeaturePackages FEATURES = FeaturePackages.of("io.servelink.payment");

    @Test
    void featurePackagesAreFreeOfCycles() {
        FEATURES.areFreeOfCycles();
    }

    @Test
    void noFeatureUsesAnotherFeaturesRepository() {
        FEATURES.useNoOtherFeaturesRepository();
    }
}
