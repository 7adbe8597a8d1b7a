package io.servelink.resources.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.servelink.resources.ResourcesITSupport;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Without {@code servelink.resources.kubernetes.enabled}, even with an API server named: no client, no follower of
 * the entitlements topic, no resync job, and nothing written anywhere while entitlements change.
 */
class KubernetesReconcilerOffIT extends ResourcesITSupport {

    private static final KubernetesMock KUBERNETES = new KubernetesMock();

    @DynamicPropertySource
    static void kubernetes(DynamicPropertyRegistry registry) {
        registry.add("servelink.resources.kubernetes.api-url", KUBERNETES::url);
    }

    @AfterAll
    static void stopKubernetes() {
        KUBERNETES.client.close();
        KUBERNETES.server.destroy();
    }

    @Autowired
    private ApplicationContext context;

    @Test
    void theReconcilerIsOffByDefaultAndCreatesNothing() throws Exception {
        KUBERNETES.createNamespace("team-quiet");
        int requestsBefore = KUBERNETES.server.getRequestCount();

        makePro("quiet");
        activeAddon("quiet", "ram", 1);
        assertThat(lastSnapshotOf("quiet").limits().ramMb()).isEqualTo(2548);

        assertThat(context.getBeanNamesForType(KubernetesClient.class)).isEmpty();
        assertThat(context.getBeanNamesForType(QuotaReconciler.class)).isEmpty();
        assertThat(context.getBeanNamesForType(KubernetesResyncJob.class)).isEmpty();
        try (Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers()))) {
            assertThat(admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId))
                    .anySatisfy(group -> assertThat(group).endsWith("resources-service.payments"))
                    .noneSatisfy(group -> assertThat(group).endsWith(EntitlementsFollower.CONSUMER));
        }
        client().post().uri("/api/resources/admin/jobs/{job}", KubernetesResyncJob.NAME)
                .header("Authorization", bearer(io.servelink.infra.test.TestTokens.platform(io.servelink.contracts.security.PlatformRole.OPERATOR)))
                .exchange().expectStatus().isNotFound();
        assertThat(count("SELECT count(*) FROM kubernetes_quotas")).isZero();
        assertThat(KUBERNETES.server.getRequestCount()).isEqualTo(requestsBefore);
        assertThat(KUBERNETES.quota("team-quiet")).isNull();
    }
}
