package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.servelink.contracts.events.Topics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What must hold in every overlay, whatever else changes. */
class ManifestInvariantsTest {

    /** Besides the gateway calling every service: who may call whom. */
    private static final Map<String, Set<String>> ALLOWED_CALLERS = Map.of(
            "payment-service", Set.of("gateway", "resources-service"),
            "resources-service", Set.of("gateway", "payment-service"),
            "usage-service", Set.of("gateway"),
            "support-service", Set.of("gateway"));
    private static final String MONITORING_NAMESPACE = "monitoring";

    static Stream<Repository.Rendered> overlays() {
        return Repository.overlays().stream().map(Repository::render);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyServiceHasADeploymentAndAClusterIpService(Repository.Rendered rendered) {
        for (String service : Repository.SERVICES) {
            rendered.get("Deployment", service);
            assertThat(rendered.get("Service", service).at("/spec/type").asText("ClusterIP")).isEqualTo("ClusterIP");
            rendered.get("PodDisruptionBudget", service);
        }
        assertThat(rendered.ofKind("Service")).allSatisfy(service ->
                assertThat(service.at("/spec/type").asText("ClusterIP")).as(name(service)).isEqualTo("ClusterIP"));
        assertThat(rendered.ofKind("HorizontalPodAutoscaler").stream().map(ManifestInvariantsTest::name))
                .containsExactlyInAnyOrder("gateway", "usage-service");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theIngressRoutesThePaymentReturnUrlsHostToTheGatewaysDashboard(Repository.Rendered rendered) {
        java.net.URI returnUrl = java.net.URI.create(rendered.get("ConfigMap", "payment-service").at("/data/SERVELINK_PAYMENT_RETURN_URL")
                .asText().replace("{payment_id}", "id"));
        ObjectNode ingress = rendered.get("Ingress", "gateway");
        JsonNode rule = StreamSupport.stream(ingress.at("/spec/rules").spliterator(), false)
                .filter(r -> r.path("host").asText().equals(returnUrl.getHost())).findFirst().orElse(null);

        assertThat(rule).as("an Ingress rule for " + returnUrl.getHost()).isNotNull();
        assertThat(StreamSupport.stream(rule.at("/http/paths").spliterator(), false)
                .filter(path -> returnUrl.getPath().startsWith(path.path("path").asText()))
                .map(path -> path.at("/backend/service/name").asText()))
                .as("the rule passes " + returnUrl.getPath() + " to the gateway").contains("gateway");
        assertThat(StreamSupport.stream(ingress.at("/spec/tls").spliterator(), false)
                .flatMap(tls -> StreamSupport.stream(tls.path("hosts").spliterator(), false)).map(JsonNode::asText))
                .as("TLS for " + returnUrl.getHost()).contains(returnUrl.getHost());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyContainerHasActuatorProbesResourcesAndRunsNonRootOnAReadOnlyFilesystem(Repository.Rendered rendered) {
        for (ObjectNode deployment : rendered.ofKind("Deployment")) {
            JsonNode pod = deployment.at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(name(deployment) + " runAsNonRoot").isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt(0)).as(name(deployment) + " runAsUser").isPositive();
            for (JsonNode container : pod.path("containers")) {
                String what = name(deployment) + "/" + container.path("name").asText();
                assertThat(container.at("/startupProbe/httpGet/path").asText()).as(what + " startup").isEqualTo("/actuator/health/liveness");
                assertThat(container.at("/livenessProbe/httpGet/path").asText()).as(what + " liveness").isEqualTo("/actuator/health/liveness");
                assertThat(container.at("/readinessProbe/httpGet/path").asText()).as(what + " readiness").isEqualTo("/actuator/health/readiness");
                Set<String> portNames = new HashSet<>();
                container.path("ports").forEach(port -> portNames.add(port.path("name").asText()));
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(portNames).as(what + " " + probe + " port").contains(container.at("/" + probe + "/httpGet/port").asText());
                }
                for (String bound : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        String quantity = container.at("/resources/" + bound + "/" + resource).asText();
                        assertThat(quantity).as(what + " " + bound + "." + resource).isNotBlank();
                        assertThat(Quantity.getAmountInBytes(new Quantity(quantity)).signum()).as(what + " " + quantity).isPositive();
                    }
                }
                JsonNode security = container.path("securityContext");
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(what + " allowPrivilegeEscalation").isFalse();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(what + " readOnlyRootFilesystem").isTrue();
                assertThat(security.at("/capabilities/drop").toString()).as(what + " drops capabilities").contains("ALL");
                assertThat(emptyDirMountedAt(pod, container, "/tmp")).as(what + " has a writable /tmp").isTrue();
                assertThat(value(container, "JAVA_TOOL_OPTIONS")).as(what + " JVM memory").contains("-XX:MaxRAMPercentage=75");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void onlyTheGatewayIsReachableFromOutside(Repository.Rendered rendered) {
        for (ObjectNode ingress : rendered.ofKind("Ingress")) {
            assertThat(ingress.findValues("service").stream().map(service -> service.path("name").asText()))
                    .as(name(ingress)).containsOnly("gateway");
        }
        assertThat(rendered.ofKind("NetworkPolicy")).anySatisfy(policy -> {
            assertThat(policy.at("/spec/podSelector").isEmpty()).isTrue();
            assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress");
            assertThat(policy.at("/spec/ingress").isMissingNode() || policy.at("/spec/ingress").isEmpty()).isTrue();
        });
        for (String service : ALLOWED_CALLERS.keySet()) {
            Map<String, String> labels = podLabels(rendered, service);
            for (ObjectNode policy : rendered.ofKind("NetworkPolicy")) {
                if (!selects(policy.at("/spec/podSelector"), labels)) {
                    continue;
                }
                for (JsonNode rule : policy.at("/spec/ingress")) {
                    assertThat(rule.path("from").isEmpty()).as(name(policy) + " lets anyone reach " + service).isFalse();
                    for (JsonNode peer : rule.path("from")) {
                        assertThat(isAllowedPeer(peer, service)).as(name(policy) + " lets " + peer + " reach " + service).isTrue();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theGatewayReachesEveryServiceAndPaymentsAndResourcesReachEachOther(Repository.Rendered rendered) {
        for (String service : ALLOWED_CALLERS.keySet()) {
            for (String caller : ALLOWED_CALLERS.get(service)) {
                assertThat(ingressAllows(rendered, caller, service)).as(caller + " -> " + service + " ingress").isTrue();
                assertThat(egressAllows(rendered, caller, service)).as(caller + " -> " + service + " egress").isTrue();
            }
        }
        assertThat(ingressAllows(rendered, "usage-service", "payment-service")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void theGatewaysRateLimitsLiveInARedisItMayReach(Repository.Rendered rendered) {
        JsonNode config = rendered.get("ConfigMap", "gateway").path("data");
        String host = config.path("SPRING_DATA_REDIS_HOST").asText();
        int port = config.path("SPRING_DATA_REDIS_PORT").asInt(6379);
        assertThat(host).as("the gateway's SPRING_DATA_REDIS_HOST").isNotBlank();

        ObjectNode service = rendered.get("Service", host);
        assertThat(service.at("/spec/ports").findValues("port").stream().map(JsonNode::asInt)).as("Service " + host + " port").contains(port);
        ObjectNode statefulSet = rendered.ofKind("StatefulSet").stream()
                .filter(set -> selects(wrap(service.at("/spec/selector")), labels(set.at("/spec/template/metadata/labels"))))
                .findFirst().orElseThrow(() -> new AssertionError("no StatefulSet behind Service " + host));
        Map<String, String> redisPods = labels(statefulSet.at("/spec/template/metadata/labels"));
        assertThat(secretOf(rendered.get("Deployment", "gateway"), "SPRING_DATA_REDIS_PASSWORD"))
                .as("the gateway's Redis password").isEqualTo(secretOf(statefulSet, "REDIS_PASSWORD"));

        boolean egress = rendered.ofKind("NetworkPolicy").stream()
                .filter(policy -> selects(policy.at("/spec/podSelector"), podLabels(rendered, "gateway")))
                .flatMap(policy -> StreamSupport.stream(policy.at("/spec/egress").spliterator(), false))
                .anyMatch(rule -> allowsPort(rule, port) && StreamSupport.stream(rule.path("to").spliterator(), false)
                        .anyMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock") && selects(peer.path("podSelector"), redisPods)));
        boolean ingress = rendered.ofKind("NetworkPolicy").stream()
                .filter(policy -> selects(policy.at("/spec/podSelector"), redisPods))
                .flatMap(policy -> StreamSupport.stream(policy.at("/spec/ingress").spliterator(), false))
                .anyMatch(rule -> allowsPort(rule, port) && StreamSupport.stream(rule.path("from").spliterator(), false)
                        .anyMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock")
                                && selects(peer.path("podSelector"), podLabels(rendered, "gateway"))));
        assertThat(egress).as("gateway -> redis egress").isTrue();
        assertThat(ingress).as("gateway -> redis ingress").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyTopicIsAKafkaTopicCompactedWhereTheArchitectureSaysSo(Repository.Rendered rendered) throws IllegalAccessException {
        Set<String> topics = new HashSet<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                topics.add((String) field.get(null));
            }
        }
        List<ObjectNode> kafkaTopics = rendered.ofKind("KafkaTopic");
        assertThat(kafkaTopics.stream().map(topic -> topic.at("/spec/topicName").asText())).containsExactlyInAnyOrderElementsOf(topics);
        for (ObjectNode topic : kafkaTopics) {
            String policy = topic.at("/spec/config/cleanup.policy").asText();
            assertThat(policy).as(name(topic)).isEqualTo(Topics.COMPACTED.contains(topic.at("/spec/topicName").asText()) ? "compact" : "delete");
            if (policy.equals("delete")) {
                assertThat(topic.at("/spec/config/retention.ms").asLong()).as(name(topic) + " retention").isPositive();
            }
            assertThat(topic.at("/spec/config/min.insync.replicas").asInt())
                    .as(name(topic) + " min.insync.replicas").isLessThanOrEqualTo(topic.at("/spec/replicas").asInt());
            assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("servelink");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void usageServiceNeverScalesPastTheTrafficTopicsPartitions(Repository.Rendered rendered) {
        int partitions = rendered.ofKind("KafkaTopic").stream()
                .filter(topic -> topic.at("/spec/topicName").asText().equals(Topics.TRAFFIC))
                .findFirst().orElseThrow().at("/spec/partitions").asInt();

        assertThat(rendered.get("HorizontalPodAutoscaler", "usage-service").at("/spec/maxReplicas").asInt()).isLessThanOrEqualTo(partitions);
        assertThat(rendered.get("Deployment", "usage-service").at("/spec/replicas").asInt()).isLessThanOrEqualTo(partitions);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyServiceWithADatabaseHasItsOwn(Repository.Rendered rendered) {
        Set<String> databases = new HashSet<>();
        for (String service : Repository.SERVICES) {
            String url = rendered.get("ConfigMap", service).at("/data/SPRING_R2DBC_URL").asText();
            if (service.equals("gateway")) {
                assertThat(url).as("the gateway has no database").isEmpty();
                continue;
            }
            String database = url.substring(url.lastIndexOf('/') + 1);
            assertThat(databases.add(database)).as(service + " database " + database + " is its own").isTrue();
            assertThat(rendered.get("ConfigMap", service).at("/data/SPRING_LIQUIBASE_URL").asText()).endsWith("/" + database);
            String secret = secretOf(rendered.get("Deployment", service), "SPRING_R2DBC_PASSWORD");
            rendered.ofKind("Cluster").stream()
                    .filter(cluster -> cluster.at("/spec/bootstrap/initdb/database").asText().equals(database))
                    .forEach(cluster -> {
                        assertThat(cluster.at("/spec/bootstrap/initdb/secret/name").asText()).as(name(cluster)).isEqualTo(secret);
                        assertThat(url).as(service + " uses its cluster's read-write service").contains("//" + name(cluster) + "-rw:");
                    });
        }
        assertThat(databases).containsExactlyInAnyOrder("usage", "payment", "resources", "support");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyReferencedConfigMapIsRenderedAndEverySecretIsDocumented(Repository.Rendered rendered) throws Exception {
        String guide = Files.readString(Repository.ROOT.resolve("docs/deployment.md"));
        for (ObjectNode object : rendered.objects()) {
            for (JsonNode reference : object.findValues("configMapRef")) {
                rendered.get("ConfigMap", reference.path("name").asText());
            }
            for (JsonNode reference : object.findValues("secretKeyRef")) {
                assertThat(documentedSecretKeys(guide)).as(name(object) + ": secret key documented in docs/deployment.md")
                        .contains(reference.path("name").asText() + "/" + reference.path("key").asText());
            }
        }
        assertThat(rendered.ofKind("Secret")).as("no secret values in the manifests").isEmpty();
    }

    @Test
    void productionImagesArePinnedToAReleaseTag() {
        Repository.Rendered prod = Repository.render(Repository.K8S.resolve("overlays/prod"));
        for (ObjectNode deployment : prod.ofKind("Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                Kustomize.ImageReference image = Kustomize.ImageReference.parse(container.path("image").asText());
                assertThat(image.tag() != null || image.digest() != null).as(name(deployment) + " image " + image + " is pinned").isTrue();
                if (image.digest() == null) {
                    assertThat(image.tag()).as(name(deployment)).isNotEqualTo("latest").doesNotContainIgnoringCase("snapshot");
                }
            }
        }
        for (ObjectNode cluster : prod.ofKind("Cluster")) {
            assertThat(Kustomize.ImageReference.parse(cluster.at("/spec/imageName").asText()).tag()).as(name(cluster)).isNotBlank();
        }
    }

    @Test
    void productionDatabasesAreBackedUpDaily() {
        Repository.Rendered prod = Repository.render(Repository.K8S.resolve("overlays/prod"));
        assertThat(prod.ofKind("Cluster")).hasSize(4).allSatisfy(cluster -> {
            assertThat(cluster.at("/spec/backup/barmanObjectStore/destinationPath").asText()).as(name(cluster)).isNotBlank();
            assertThat(prod.ofKind("ScheduledBackup")).anySatisfy(backup ->
                    assertThat(backup.at("/spec/cluster/name").asText()).isEqualTo(name(cluster)));
        });
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static String name(JsonNode object) {
        return object.at("/metadata/name").asText();
    }

    private static String value(JsonNode container, String variable) {
        return StreamSupport.stream(container.path("env").spliterator(), false)
                .filter(env -> env.path("name").asText().equals(variable))
                .map(env -> env.path("value").asText())
                .findFirst().orElse("");
    }

    private static String secretOf(JsonNode deployment, String variable) {
        for (JsonNode env : deployment.at("/spec/template/spec/containers/0/env")) {
            if (env.path("name").asText().equals(variable)) {
                return env.at("/valueFrom/secretKeyRef/name").asText();
            }
        }
        throw new AssertionError(name(deployment) + " has no " + variable);
    }

    private static boolean emptyDirMountedAt(JsonNode pod, JsonNode container, String path) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals(path)) {
                for (JsonNode volume : pod.path("volumes")) {
                    if (volume.path("name").equals(mount.path("name")) && volume.has("emptyDir")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new java.util.HashMap<>();
        labels.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
        return map;
    }

    /** A Service's plain selector as a label selector. */
    private static JsonNode wrap(JsonNode selector) {
        return Kustomize.YAML.createObjectNode().set("matchLabels", selector);
    }

    private static boolean allowsPort(JsonNode rule, int port) {
        return !rule.has("ports") || rule.path("ports").findValues("port").stream().anyMatch(p -> p.asInt() == port);
    }

        private static Map<String, String> podLabels(Repository.Rendered rendered, String service) {
        Map<String, String> labels = new java.util.HashMap<>();
        rendered.get("Deployment", service).at("/spec/template/metadata/labels").properties()
                .forEach(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
        return labels;
    }

    /** matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) of a label selector. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        for (Map.Entry<String, JsonNode> entry : selector.path("matchLabels").properties()) {
            if (!entry.getValue().asText().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String label = labels.get(expression.path("key").asText());
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            boolean matches = switch (expression.path("operator").asText()) {
                case "In" -> label != null && values.contains(label);
                case "NotIn" -> label == null || !values.contains(label);
                case "Exists" -> label != null;
                case "DoesNotExist" -> label == null;
                default -> throw new IllegalArgumentException("operator " + expression);
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** A peer of a non-gateway service: a servelink pod allowed to call it, or the monitoring namespace (scrapes). */
    private static boolean isAllowedPeer(JsonNode peer, String service) {
        if (peer.has("ipBlock")) {
            return false;
        }
        if (peer.has("namespaceSelector")) {
            return !peer.has("podSelector")
                    && MONITORING_NAMESPACE.equals(peer.at("/namespaceSelector/matchLabels/kubernetes.io~1metadata.name").asText());
        }
        return ALLOWED_CALLERS.get(service).stream()
                .anyMatch(caller -> selects(peer.path("podSelector"), Map.of("app.kubernetes.io/name", caller)))
                // and not a selector so wide it takes any pod (an empty podSelector matches the callers too)
                && !selects(peer.path("podSelector"), Map.of("app.kubernetes.io/name", "not-a-servelink-service"));
    }

    private static boolean ingressAllows(Repository.Rendered rendered, String caller, String service) {
        return rendered.ofKind("NetworkPolicy").stream()
                .filter(policy -> selects(policy.at("/spec/podSelector"), podLabels(rendered, service)))
                .flatMap(policy -> StreamSupport.stream(policy.at("/spec/ingress").spliterator(), false))
                .flatMap(rule -> StreamSupport.stream(rule.path("from").spliterator(), false))
                .anyMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock")
                        && selects(peer.path("podSelector"), podLabels(rendered, caller)));
    }

    private static boolean egressAllows(Repository.Rendered rendered, String caller, String service) {
        return rendered.ofKind("NetworkPolicy").stream()
                .filter(policy -> selects(policy.at("/spec/podSelector"), podLabels(rendered, caller)))
                .flatMap(policy -> StreamSupport.stream(policy.at("/spec/egress").spliterator(), false))
                .flatMap(rule -> StreamSupport.stream(rule.path("to").spliterator(), false))
                .anyMatch(peer -> !peer.has("namespaceSelector") && !peer.has("ipBlock")
                        && selects(peer.path("podSelector"), podLabels(rendered, service)));
    }

    /** {@code name/key} pairs from the guide's {@code kubectl create secret generic NAME --from-literal=KEY=...} lines. */
    private static Set<String> documentedSecretKeys(String guide) {
        Set<String> keys = new HashSet<>();
        Matcher command = Pattern.compile("kubectl[^\\n]*create secret (?:generic|tls)\\s+(\\S+)((?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(guide);
        while (command.find()) {
            Matcher literal = Pattern.compile("--from-(?:literal|file)=([A-Za-z0-9_.-]+)=").matcher(command.group(2));
            while (literal.find()) {
                keys.add(command.group(1) + "/" + literal.group(1));
            }
        }
        return keys;
    }

}
