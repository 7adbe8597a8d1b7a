package io.servelink.resources.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.TopicNames;
import io.servelink.starter.KafkaClients;
import io.servelink.starter.ServelinkAutoConfiguration.ProvisionedTopics;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The Kubernetes reconciler, only with {@code servelink.resources.kubernetes.enabled=true}: a client of the API server,
 * the follower of the entitlements topic and the resync job. Off, none of them exists: no consumer group, no client,
 * no call to any API server.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("servelink.resources.kubernetes.enabled")
class KubernetesReconcilerConfiguration {

    /**
     * fabric8's client on the JDK's HttpClient: the in-cluster service account (or the kubeconfig) unless
     * {@code api-url} names the API server; every request bounded by the timeouts and retried with a doubling pause.
     */
    @Bean(destroyMethod = "close")
    KubernetesClient reconcilerKubernetesClient(ResourcesKubernetesSettings settings) {
        ConfigBuilder config = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(Math.toIntExact(settings.connectTimeout().toMillis()))
                .withRequestTimeout(Math.toIntExact(settings.requestTimeout().toMillis()))
                .withRequestRetryBackoffLimit(settings.retries())
                .withRequestRetryBackoffInterval(Math.toIntExact(settings.retryBackoff().toMillis()));
        if (settings.apiUrl() != null) {
            config.withMasterUrl(settings.apiUrl().toString());
        }
        return new KubernetesClientBuilder().withConfig(config.build()).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    @Bean
    TeamQuotas teamQuotas(DatabaseClient db) {
        return new TeamQuotas(db);
    }

    @Bean
    QuotaReconciler quotaReconciler(KubernetesClient reconcilerKubernetesClient, TeamQuotas quotas,
                                    ResourcesKubernetesSettings settings, MeterRegistry registry, Clock clock) {
        return new QuotaReconciler(reconcilerKubernetesClient, quotas, settings, registry, clock);
    }

    @Bean
    KubernetesResyncJob kubernetesResyncJob(TeamQuotas quotas, QuotaReconciler reconciler) {
        return new KubernetesResyncJob(quotas, reconciler);
    }

    /** Group {@code resources-service.kubernetes} on the entitlements topic (compacted: a new group reads every team's newest snapshot). */
    @Bean
    KafkaBatchConsumer kubernetesEntitlementsConsumer(KafkaClients kafka, TopicNames topics, EventCodec codec, TeamQuotas quotas,
                                                      QuotaReconciler reconciler, Clock clock, MeterRegistry registry,
                                                      ObjectProvider<ProvisionedTopics> provisioned) {
        provisioned.ifAvailable(p -> { });
        EntitlementsFollower follower = new EntitlementsFollower(codec, quotas, reconciler, clock, registry);
        return new KafkaBatchConsumer("kubernetes-entitlements", kafka, EntitlementsFollower.CONSUMER,
                List.of(topics.entitlements()), 100, follower::handle, registry);
    }
}
