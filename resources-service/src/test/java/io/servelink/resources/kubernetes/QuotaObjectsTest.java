package io.servelink.resources.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuotaObjectsTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @ParameterizedTest(name = "{0} MiB, {1} CPU, {2} bytes")
    @CsvSource({"512, 1, 1000000000", "2048, 2, 20000000000", "3048, 3, 30000000000", "100, 1, 1", "64, 1, 0", "7000, 12, 120000000000"})
    void theObjectsAreValidKubernetesObjectsForEveryTeamSize(long ramMb, int cpuCores, long storageBytes) {
        TeamQuota quota = new TeamQuota("acme", 3, ramMb, cpuCores, storageBytes);

        assertThat(KubernetesSchemas.resourceQuotaProblems(JSON.asJson(QuotaObjects.quota(quota, "team-acme", Map.of())))).isEmpty();
        assertThat(KubernetesSchemas.limitRangeProblems(JSON.asJson(QuotaObjects.limitRange(quota, "team-acme", Map.of())))).isEmpty();
    }

    @Test
    void aContainerDefaultsToAQuarterOfTheTeamAndRequestsHalfOfThat() {
        LimitRangeItem container = container(QuotaObjects.limitRange(new TeamQuota("acme", 1, 2048, 2, 1), "team-acme", Map.of()));

        assertThat(container.getMax().get("memory").toString()).isEqualTo("2048Mi");
        assertThat(container.getMax().get("cpu").toString()).isEqualTo("2");
        assertThat(container.getDefault().get("memory").toString()).isEqualTo("512Mi");
        assertThat(container.getDefault().get("cpu").toString()).isEqualTo("500m");
        assertThat(container.getDefaultRequest().get("memory").toString()).isEqualTo("256Mi");
        assertThat(container.getDefaultRequest().get("cpu").toString()).isEqualTo("250m");
    }

    @Test
    void aSmallTeamsDefaultsNeverExceedItsTotals() {
        LimitRangeItem container = container(QuotaObjects.limitRange(new TeamQuota("tiny", 1, 48, 1, 1), "team-tiny", Map.of()));

        assertThat(container.getDefault().get("memory").toString()).isEqualTo("48Mi");
        assertThat(container.getDefault().get("cpu").toString()).isEqualTo("250m");
        assertThat(container.getDefaultRequest().get("memory").toString()).isEqualTo("24Mi");
    }

    @Test
    void aSchemaViolationIsReported() {
        String json = JSON.asJson(QuotaObjects.quota(new TeamQuota("acme", 1, 512, 1, 1), "team-acme", Map.of()));

        assertThat(KubernetesSchemas.resourceQuotaProblems(json.replace("\"512Mi\"", "\"512 MB\"")))
                .anySatisfy(problem -> assertThat(problem).contains("not a Kubernetes quantity"));
        assertThat(KubernetesSchemas.limitRangeProblems(JSON.asJson(QuotaObjects.limitRange(new TeamQuota("acme", 1, 512, 1, 1),
                "team-acme", Map.of())).replace("\"type\":\"Container\"", "\"type\":\"Container\",\"maximum\":{}")))
                .isNotEmpty();
    }

    private static LimitRangeItem container(LimitRange range) {
        return range.getSpec().getLimits().stream().filter(item -> item.getType().equals("Container")).findFirst().orElseThrow();
    }
}
