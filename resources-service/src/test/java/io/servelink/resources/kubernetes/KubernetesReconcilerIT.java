package io.servelink.resources.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.entitlements.EffectiveLimits;
import io.servelink.contracts.events.entitlements.EntitlementsChanged;
import io.servelink.contracts.security.PlatformRole;
import io.servelink.infra.test.TestTokens;
import io.servelink.resources.ResourcesITSupport;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The Kubernetes reconciler on, against fabric8's mock API server in CRUD mode, with real PostgreSQL and Kafka: each
 * team namespace's ResourceQuota and LimitRange follow the team's entitlements as resources-service publishes them
 * (purchase, expiry, cancel, lapse), and are valid Kubernetes objects.
 */
@TestPropertySource(properties = {
        "servelink.resources.kubernetes.enabled=true",
        "servelink.resources.kubernetes.retries=2",
        "servelink.resources.kubernetes.retry-backoff=50ms",
        "servelink.resources.kubernetes.request-timeout=2s",
        "servelink.resources.kubernetes.labels.environment=test"})
class KubernetesReconcilerIT extends ResourcesITSupport {

    private static final KubernetesMock KUBERNETES = new KubernetesMock();
    private static final long GB = 1_000_000_000L;

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
    private MeterRegistry registry;

    // ---- helpers ----

    private static String namespace(String team) {
        return "team-" + team;
    }

    /** Waits until the team namespace's quota equals these limits (relaying the outbox meanwhile). */
    private ResourceQuota awaitQuota(String team, EffectiveLimits limits) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            relay.relayPending();
            ResourceQuota quota = KUBERNETES.quota(namespace(team));
            assertThat(quota).as("quota of " + team).isNotNull();
            assertThat(hard(quota)).isEqualTo(Map.of(
                    "requests.memory", limits.ramMb() + "Mi",
                    "limits.memory", limits.ramMb() + "Mi",
                    "requests.cpu", Integer.toString(limits.cpuCores()),
                    "limits.cpu", Integer.toString(limits.cpuCores()),
                    "requests.storage", Long.toString(limits.storageBytes())));
            LimitRange range = KUBERNETES.limitRange(namespace(team));
            assertThat(range).isNotNull();
            LimitRangeItem container = range.getSpec().getLimits().stream().filter(item -> item.getType().equals("Container"))
                    .findFirst().orElseThrow();
            assertThat(container.getMax().get("memory").toString()).isEqualTo(limits.ramMb() + "Mi");
            assertThat(container.getMax().get("cpu").toString()).isEqualTo(Integer.toString(limits.cpuCores()));
            LimitRangeItem claims = range.getSpec().getLimits().stream().filter(item -> item.getType().equals("PersistentVolumeClaim"))
                    .findFirst().orElseThrow();
            assertThat(claims.getMax().get("storage").toString()).isEqualTo(Long.toString(limits.storageBytes()));
        });
        return KUBERNETES.quota(namespace(team));
    }

    private static Map<String, String> hard(ResourceQuota quota) {
        Map<String, String> hard = new java.util.TreeMap<>();
        quota.getSpec().getHard().forEach((resource, amount) -> hard.put(resource, amount.toString()));
        return hard;
    }

    /** Both objects of the team's namespace as the API server stored them, checked against the Kubernetes schemas. */
    private void assertValidKubernetesObjects(String team) {
        String base = KUBERNETES.url() + "api/v1/namespaces/" + namespace(team);
        String quota = KUBERNETES.client.raw(base + "/resourcequotas/" + QuotaObjects.QUOTA_NAME);
        String limits = KUBERNETES.client.raw(base + "/limitranges/" + QuotaObjects.LIMITS_NAME);
        assertThat(KubernetesSchemas.resourceQuotaProblems(quota)).as(quota).isEmpty();
        assertThat(KubernetesSchemas.limitRangeProblems(limits)).as(limits).isEmpty();
    }

    private Map<?, ?> runJob(String job) {
        return client().post().uri("/api/resources/admin/jobs/{job}", job)
                .header("Authorization", bearer(TestTokens.platform(PlatformRole.OPERATOR)))
                .exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private void publishSnapshot(EntitlementsChanged snapshot) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(infra.topics().entitlements(), snapshot.teamSlug(),
                    codec.encode(EventEnvelope.of(snapshot, clock.instant())))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static EntitlementsChanged snapshot(String team, long version, long ramMb, int cpuCores, long storageBytes) {
        return new EntitlementsChanged(team, "pro", START.plus(Duration.ofDays(30)), version,
                new EffectiveLimits(100 * GB, storageBytes, ramMb, cpuCores));
    }

    private double count(String meter, String outcome) {
        var counter = registry.find(meter).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private Map<String, Object> storedQuota(String team) throws Exception {
        return queryOne("SELECT version, applied_version FROM kubernetes_quotas WHERE team_slug = ?", team);
    }

    // ---- tests ----

    @Test
    void theQuotaEqualsTheEntitlementsAfterProAndEachPurchaseOfRamCpuAndStorage() {
        KUBERNETES.createNamespace(namespace("buyer"));
        makePro("buyer");
        awaitQuota("buyer", new EffectiveLimits(100 * GB, 20 * GB, 2048, 2));

        activeAddon("buyer", "ram", 2);
        activeAddon("buyer", "cpu", 1);
        activeAddon("buyer", "storage", 1);

        EntitlementsChanged last = lastSnapshotOf("buyer");
        assertThat(last.limits()).isEqualTo(new EffectiveLimits(100 * GB, 30 * GB, 3048, 3));
        ResourceQuota quota = awaitQuota("buyer", last.limits());
        assertThat(quota.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "servelink-resources")
                .containsEntry("servelink.io/team", "buyer")
                .containsEntry("environment", "test");
        assertThat(quota.getMetadata().getAnnotations()).containsEntry("servelink.io/entitlements-version", Long.toString(last.version()));
        assertThat(KUBERNETES.limitRange(namespace("buyer")).getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "servelink-resources");
        assertValidKubernetesObjects("buyer");
    }

    @Test
    void theQuotaStaysAfterACancelAndFallsWhenTheAddonsExpireAndAgainWhenProLapses() throws Exception {
        KUBERNETES.createNamespace(namespace("leaver"));
        makePro("leaver");
        String ram = activeAddon("leaver", "ram", 1);
        activeAddon("leaver", "cpu", 1);
        EntitlementsChanged bought = lastSnapshotOf("leaver");
        awaitQuota("leaver", new EffectiveLimits(110 * GB, 20 * GB, 2548, 3));

        client().delete().uri("/api/resources/leaver/cancel/{id}", ram).header("Authorization", bearer(ownerOf("leaver")))
                .exchange().expectStatus().isOk();
        // a cancelled add-on stays paid until it expires: no new snapshot, the same quota
        assertThat(lastSnapshotOf("leaver")).isEqualTo(bought);
        awaitQuota("leaver", bought.limits());

        clock.set(START.plus(Duration.ofDays(30)));
        runJob("expiry");
        assertThat(lastSnapshotOf("leaver").limits()).isEqualTo(new EffectiveLimits(100 * GB, 20 * GB, 2048, 2));
        awaitQuota("leaver", new EffectiveLimits(100 * GB, 20 * GB, 2048, 2));

        clock.set(START.plus(Duration.ofDays(33)));
        runJob("expiry");
        EntitlementsChanged free = lastSnapshotOf("leaver");
        assertThat(free.plan()).isEqualTo("free");
        awaitQuota("leaver", new EffectiveLimits(10 * GB, GB, 512, 1));
        assertValidKubernetesObjects("leaver");
        assertThat(storedQuota("leaver")).containsEntry("version", free.version()).containsEntry("applied_version", free.version());
    }

    @Test
    void anOlderOrRepeatedVersionIsIgnored() throws Exception {
        KUBERNETES.createNamespace(namespace("ordered"));
        publishSnapshot(snapshot("ordered", 7, 4096, 4, 40 * GB));
        awaitQuota("ordered", new EffectiveLimits(100 * GB, 40 * GB, 4096, 4));
        double staleBefore = count("servelink.resources.kubernetes.snapshots", "stale");

        publishSnapshot(snapshot("ordered", 6, 1024, 1, GB));
        publishSnapshot(snapshot("ordered", 7, 9999, 9, 99 * GB));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> count("servelink.resources.kubernetes.snapshots", "stale") >= staleBefore + 2);
        awaitQuota("ordered", new EffectiveLimits(100 * GB, 40 * GB, 4096, 4));
        assertThat(storedQuota("ordered")).containsEntry("version", 7L).containsEntry("applied_version", 7L);
    }

    @Test
    void aMissingNamespaceIsSkippedAndTheResyncAppliesTheQuotaOnceTheNamespaceExists() throws Exception {
        double missingBefore = count("servelink.resources.kubernetes.reconciliations", "namespace_missing");
        publishSnapshot(snapshot("newcomer", 1, 1024, 1, 5 * GB));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> count("servelink.resources.kubernetes.reconciliations", "namespace_missing") > missingBefore);
        assertThat(storedQuota("newcomer")).containsEntry("version", 1L).containsEntry("applied_version", null);
        assertThat(KUBERNETES.quota(namespace("newcomer"))).isNull();

        KUBERNETES.createNamespace(namespace("newcomer"));
        Map<?, ?> run = runJob(KubernetesResyncJob.NAME);

        assertThat(((Map<?, ?>) run.get("result")).get("outcome")).isEqualTo("completed");
        assertThat((Integer) ((Map<?, ?>) ((Map<?, ?>) run.get("result")).get("figures")).get("applied")).isGreaterThanOrEqualTo(1);
        awaitQuota("newcomer", new EffectiveLimits(100 * GB, 5 * GB, 1024, 1));
        assertThat(storedQuota("newcomer")).containsEntry("applied_version", 1L);
    }

    @Test
    void aFailingApiServerIsCountedAndLeftToTheResyncWhileTheConsumerGoesOn() throws Exception {
        KUBERNETES.server.expect().get().withPath("/api/v1/namespaces/team-broken").andReturn(500, "{}").always();
        KUBERNETES.createNamespace(namespace("healthy"));
        double failedBefore = count("servelink.resources.kubernetes.reconciliations", "failed");
        double batchFailuresBefore = registry.get("servelink.kafka.consumer.failures").tag("consumer", "kubernetes-entitlements")
                .counter().count();

        publishSnapshot(snapshot("broken", 1, 1024, 1, GB));
        publishSnapshot(snapshot("healthy", 1, 1536, 2, 2 * GB));

        awaitQuota("healthy", new EffectiveLimits(100 * GB, 2 * GB, 1536, 2));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count("servelink.resources.kubernetes.reconciliations", "failed") > failedBefore);
        assertThat(storedQuota("broken")).containsEntry("version", 1L).containsEntry("applied_version", null);
        assertThat(registry.get("servelink.kafka.consumer.failures").tag("consumer", "kubernetes-entitlements").counter().count())
                .isEqualTo(batchFailuresBefore);

        Map<?, ?> run = runJob(KubernetesResyncJob.NAME);
        assertThat(((Map<?, ?>) run.get("result")).get("outcome")).isEqualTo("degraded");
    }

    @Test
    void anApiServerErrorThatPassesIsRetried() {
        KUBERNETES.createNamespace(namespace("flaky"));
        KUBERNETES.server.expect().get().withPath("/api/v1/namespaces/team-flaky").andReturn(503, "{}").once();

        publishSnapshot(snapshot("flaky", 1, 768, 1, GB));

        awaitQuota("flaky", new EffectiveLimits(100 * GB, GB, 768, 1));
    }
}
