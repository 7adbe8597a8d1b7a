package io.servelink.resources.catalog;

import io.servelink.contracts.events.entitlements.EffectiveLimits;

/** Resources granted by a plan or an add-on. Bytes are decimal units: 1 GB = 10^9 bytes. */
public record Allowance(long trafficBytes, long storageBytes, long ramMb, int cpuCores) {

    public static final Allowance NONE = new Allowance(0, 0, 0, 0);

    public Allowance plus(Allowance other) {
        return new Allowance(Math.addExact(trafficBytes, other.trafficBytes), Math.addExact(storageBytes, other.storageBytes),
                Math.addExact(ramMb, other.ramMb), Math.addExact(cpuCores, other.cpuCores));
    }

    public Allowance times(int quantity) {
        return new Allowance(Math.multiplyExact(trafficBytes, quantity), Math.multiplyExact(storageBytes, quantity),
                Math.multiplyExact(ramMb, quantity), Math.multiplyExact(cpuCores, quantity));
    }

    public EffectiveLimits toEffectiveLimits() {
        return new EffectiveLimits(trafficBytes, storageBytes, ramMb, cpuCores);
    }
}
