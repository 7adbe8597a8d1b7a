package io.servelink.resources.kubernetes;

import io.servelink.contracts.events.entitlements.EntitlementsChanged;

/**
 * What the reconciler keeps in a team's namespace: the team's effective RAM, CPU and storage under the snapshot's
 * version.
 *
 * @param ramMb        memory, applied as MiB
 * @param cpuCores     CPU cores
 * @param storageBytes storage in bytes (decimal units, as in the catalog)
 */
record TeamQuota(String teamSlug, long version, long ramMb, int cpuCores, long storageBytes) {

    static TeamQuota of(EntitlementsChanged snapshot) {
        return new TeamQuota(snapshot.teamSlug(), snapshot.version(), snapshot.limits().ramMb(), snapshot.limits().cpuCores(),
                snapshot.limits().storageBytes());
    }
}
