package io.servelink.resources.kubernetes;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeItemBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two objects a team's namespace holds, written from the team's effective limits.
 *
 * <p>ResourceQuota {@value #QUOTA_NAME}: {@code requests.memory} and {@code limits.memory} are the RAM in MiB,
 * {@code requests.cpu} and {@code limits.cpu} the CPU cores, {@code requests.storage} the storage in bytes.
 *
 * <p>LimitRange {@value #LIMITS_NAME}, for containers: {@code max} is the team's whole RAM and CPU (one container may
 * use everything the team has, no more); {@code default} (the limit of a container that names none) is a quarter of
 * them, at least 64 MiB and 100 millicores (never above the totals); {@code defaultRequest} is half of the default.
 * With a quota on limits and requests, a container without them would be refused; the defaults let four such
 * containers run side by side. For PersistentVolumeClaims: {@code max} storage is the team's storage.
 */
final class QuotaObjects {

    static final String QUOTA_NAME = "servelink-team-quota";
    static final String LIMITS_NAME = "servelink-team-limits";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "servelink-resources";
    static final String TEAM_LABEL = "servelink.io/team";
    static final String VERSION_ANNOTATION = "servelink.io/entitlements-version";

    static final long MIN_DEFAULT_MEMORY_MIB = 64;
    static final long MIN_DEFAULT_CPU_MILLIS = 100;

    private QuotaObjects() {
    }

    static ResourceQuota quota(TeamQuota quota, String namespace, Map<String, String> labels) {
        Map<String, Quantity> hard = new LinkedHashMap<>();
        hard.put("requests.memory", mebibytes(quota.ramMb()));
        hard.put("limits.memory", mebibytes(quota.ramMb()));
        hard.put("requests.cpu", new Quantity(Integer.toString(quota.cpuCores())));
        hard.put("limits.cpu", new Quantity(Integer.toString(quota.cpuCores())));
        hard.put("requests.storage", new Quantity(Long.toString(quota.storageBytes())));
        return new ResourceQuotaBuilder()
                .withMetadata(metadata(QUOTA_NAME, namespace, quota, labels))
                .withNewSpec().withHard(hard).endSpec()
                .build();
    }

    static LimitRange limitRange(TeamQuota quota, String namespace, Map<String, String> labels) {
        long memoryMax = quota.ramMb();
        long cpuMaxMillis = quota.cpuCores() * 1000L;
        long memoryDefault = Math.min(memoryMax, Math.max(MIN_DEFAULT_MEMORY_MIB, memoryMax / 4));
        long cpuDefaultMillis = Math.min(cpuMaxMillis, Math.max(MIN_DEFAULT_CPU_MILLIS, cpuMaxMillis / 4));
        return new LimitRangeBuilder()
                .withMetadata(metadata(LIMITS_NAME, namespace, quota, labels))
                .withNewSpec()
                .addToLimits(new LimitRangeItemBuilder()
                        .withType("Container")
                        .withMax(Map.of("memory", mebibytes(memoryMax), "cpu", millicores(cpuMaxMillis)))
                        .withDefault(Map.of("memory", mebibytes(memoryDefault), "cpu", millicores(cpuDefaultMillis)))
                        .withDefaultRequest(Map.of("memory", mebibytes(Math.max(1, memoryDefault / 2)),
                                "cpu", millicores(Math.max(1, cpuDefaultMillis / 2))))
                        .build())
                .addToLimits(new LimitRangeItemBuilder()
                        .withType("PersistentVolumeClaim")
                        .withMax(Map.of("storage", new Quantity(Long.toString(quota.storageBytes()))))
                        .build())
                .endSpec()
                .build();
    }

    private static ObjectMeta metadata(String name, String namespace, TeamQuota quota, Map<String, String> extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>(extraLabels);
        labels.put(MANAGED_BY, MANAGER);
        labels.put(TEAM_LABEL, quota.teamSlug());
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(Map.of(VERSION_ANNOTATION, Long.toString(quota.version())))
                .build();
    }

    private static Quantity mebibytes(long mib) {
        return new Quantity(mib + "Mi");
    }

    /** Whole cores as such ({@code 2}), otherwise millicores ({@code 500m}). */
    private static Quantity millicores(long millis) {
        return millis % 1000 == 0 ? new Quantity(Long.toString(millis / 1000)) : new Quantity(millis + "m");
    }
}
