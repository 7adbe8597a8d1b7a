package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every environment variable the manifests give a service maps to a configuration key that service really has,
 * discovered from its built jar (see {@link ConfigurationKeys}). An IT because it reads the services' executable
 * jars, which exist from the package phase on ({@code ./mvnw verify} builds them before this module).
 */
class ConfigurationKeysIT {

    /** Read by the JVM, not by Spring. */
    private static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS");

    private static final Map<String, ConfigurationKeys> KEYS = new HashMap<>();

    @BeforeAll
    static void readServiceJars() {
        for (String service : Repository.SERVICES) {
            Path jar = Repository.ROOT.resolve(service).resolve("target").resolve(service + ".jar");
            assertThat(jar).as("the executable jar of " + service + " (built by ./mvnw verify before this module)").isRegularFile();
            KEYS.put(service, ConfigurationKeys.ofBootJar(jar));
        }
    }

    static Stream<Path> overlays() {
        return Repository.overlays().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlays")
    void everyEnvironmentVariableInTheManifestsIsAConfigurationKeyOfItsService(Path overlay) {
        Repository.Rendered rendered = Repository.render(overlay);
        List<String> unknown = new ArrayList<>();
        for (ObjectNode deployment : rendered.ofKind("Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                String service = container.path("name").asText();
                assertThat(KEYS).as("container " + service + " is one of the services").containsKey(service);
                for (String variable : environmentVariables(rendered, container)) {
                    if (!NOT_SPRING.contains(variable) && !KEYS.get(service).acceptsEnvironmentVariable(variable)) {
                        unknown.add(service + ": " + variable);
                    }
                }
            }
        }
        assertThat(unknown).as("environment variables no configuration key of the service takes").isEmpty();
    }

    @Test
    void everyEnvironmentVariableInTheComposeFileIsAConfigurationKeyOfItsService() {
        JsonNode compose = Kustomize.readDocuments(Repository.ROOT.resolve("deploy/compose/docker-compose.yml")).getFirst();
        List<String> unknown = new ArrayList<>();
        for (String service : Repository.SERVICES) {
            JsonNode environment = compose.at("/services/" + service + "/environment");
            assertThat(environment.isObject()).as("compose service " + service).isTrue();
            for (String variable : composeVariables(environment)) {
                if (!NOT_SPRING.contains(variable) && !KEYS.get(service).acceptsEnvironmentVariable(variable)) {
                    unknown.add(service + ": " + variable);
                }
            }
        }
        assertThat(unknown).as("environment variables no configuration key of the service takes").isEmpty();
    }

    /** Variable names of a compose environment map, following YAML merge keys ({@code <<: *common-env}). */
    private static Set<String> composeVariables(JsonNode environment) {
        Set<String> variables = new TreeSet<>();
        environment.properties().forEach(entry -> {
            if (entry.getKey().equals("<<")) {
                variables.addAll(composeVariables(entry.getValue()));
            } else {
                variables.add(entry.getKey());
            }
        });
        return variables;
    }

    @Test
    void discoversKeysFromPropertiesTypesBootMetadataYamlAndPlaceholders() {
        ConfigurationKeys usage = KEYS.get("usage-service");

        assertThat(usage.has("servelink.kafka.topic-namespace")).as("servelink-starter @ConfigurationProperties record").isTrue();
        assertThat(usage.has("spring.kafka.bootstrap-servers")).as("Spring Boot metadata").isTrue();
        assertThat(usage.has("spring.r2dbc.url")).as("Spring Boot metadata").isTrue();
        assertThat(usage.has("server.port")).as("Spring Boot metadata").isTrue();
        assertThat(usage.has("servelink.usage.traffic.max-batch")).as("@Value placeholder").isTrue();
        assertThat(usage.has("management.endpoint.health.probes.enabled")).as("application.yml key").isTrue();
        assertThat(usage.acceptsEnvironmentVariable("SERVELINK_KAFKA_TOPIC_NAMESPACE")).isTrue();
        assertThat(usage.acceptsEnvironmentVariable("SERVELINK_KAFKA_TOPICNAMESPACE")).isTrue();
        assertThat(usage.acceptsEnvironmentVariable("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM")).as("open map key").isTrue();
        assertThat(usage.acceptsEnvironmentVariable("LOGGING_LEVEL_IO_SERVELINK")).as("open map key").isTrue();
    }

    @Test
    void refusesVariablesNoServiceKeyTakes() {
        ConfigurationKeys usage = KEYS.get("usage-service");

        assertThat(usage.acceptsEnvironmentVariable("SPRING_KAFKA_BOOTSTRAP_SERVER")).as("typo").isFalse();
        assertThat(usage.acceptsEnvironmentVariable("SERVELINK_PAYMENT_PROVIDER_API_KEY")).as("another service's key").isFalse();
        assertThat(usage.acceptsEnvironmentVariable("SPRING_MAIL_HOST")).as("support-service only").isFalse();
    }

    /** env names, plus the keys of the ConfigMaps and Secrets it takes whole through envFrom. */
    private static Set<String> environmentVariables(Repository.Rendered rendered, JsonNode container) {
        Set<String> variables = new TreeSet<>();
        container.path("env").forEach(variable -> variables.add(variable.path("name").asText()));
        for (JsonNode source : container.path("envFrom")) {
            assertThat(source.has("secretRef")).as("secrets are mapped key by key (secretKeyRef), never whole").isFalse();
            String prefix = source.path("prefix").asText("");
            ObjectNode configMap = rendered.get("ConfigMap", source.at("/configMapRef/name").asText());
            configMap.path("data").fieldNames().forEachRemaining(key -> variables.add(prefix + key));
        }
        return variables;
    }

}
