package io.servelink.deploy.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates rendered objects without a cluster. Kubernetes kinds, the ServiceMonitor and Strimzi's KafkaTopic are
 * read into their typed models (fabric8, Strimzi's api module) by a strict mapper: an unknown or misspelled field,
 * or a value of the wrong type, fails - the models' catch-all "additionalProperties" is switched off. CloudNativePG
 * ships no Java model on Maven Central, so its two kinds are checked against minimal JSON schemas of the fields
 * these manifests use (src/test/resources/schemas), written from the CloudNativePG API reference.
 */
final class Schemas {

    private static final Map<String, Class<?>> TYPED = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", ClusterRole.class),
            Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", ClusterRoleBinding.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class));

    private static final Map<String, String> JSON_SCHEMAS = Map.of(
            "postgresql.cnpg.io/v1/Cluster", "schemas/cnpg-cluster.schema.json",
            "postgresql.cnpg.io/v1/ScheduledBackup", "schemas/cnpg-scheduledbackup.schema.json");

    /** Every kind the manifests may contain; anything else is an error, not a silent pass. */
    private static final Set<String> KNOWN = Set.copyOf(concat(TYPED.keySet(), JSON_SCHEMAS.keySet()));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE; // fabric8 and Strimzi models would swallow unknown fields otherwise
                }
            })
            .build();

    private Schemas() {
    }

    static String typeOf(JsonNode object) {
        return object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    }

    /** Problems with one object; empty when it is valid. */
    static List<String> problems(JsonNode object) {
        String type = typeOf(object);
        String name = type + " " + object.path("metadata").path("name").asText();
        if (!KNOWN.contains(type)) {
            return List.of(name + ": no schema for " + type);
        }
        if (TYPED.containsKey(type)) {
            try {
                STRICT.treeToValue(object, TYPED.get(type));
                return List.of();
            } catch (Exception e) {
                return List.of(name + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
            }
        }
        return jsonSchema(JSON_SCHEMAS.get(type)).validate(object).stream()
                .map(ValidationMessage::getMessage)
                .map(message -> name + ": " + message)
                .collect(Collectors.toList());
    }

    private static JsonSchema jsonSchema(String resource) {
        try (InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<T> concat(Set<T> a, Set<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
