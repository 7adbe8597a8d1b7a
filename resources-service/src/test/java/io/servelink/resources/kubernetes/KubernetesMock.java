package io.servelink.resources.kubernetes;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock Kubernetes API server in CRUD mode (objects written are stored and read back; namespaces exist only
 * once created), which also answers set expectations first, as {@code @EnableKubernetesMockClient(crud = true)} builds
 * it; and a client of it for the test's own reads and writes.
 */
final class KubernetesMock {

    final KubernetesMockServer server;
    final KubernetesClient client;

    KubernetesMock() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init();
        client = server.createClient();
    }

    String url() {
        return server.url("/");
    }

    void createNamespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    ResourceQuota quota(String namespace) {
        return client.resourceQuotas().inNamespace(namespace).withName(QuotaObjects.QUOTA_NAME).get();
    }

    LimitRange limitRange(String namespace) {
        return client.limitRanges().inNamespace(namespace).withName(QuotaObjects.LIMITS_NAME).get();
    }
}
