package io.servelink.gateway;

import io.servelink.contracts.events.TopicNames;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.test.TestTokens;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactories;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * An integration test of the gateway on the shared real Kafka broker, with its own topic namespace. Unlike
 * {@code @ServiceIT} it creates no database: the gateway has none. Windows are short so tests wait little.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "servelink.gateway.metering.window=200ms")
@ContextCustomizerFactories(GatewayIT.KafkaNamespaceFactory.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface GatewayIT {

    /** What a test class gets: the broker and its own topic namespace. Injectable as a bean. */
    record TestKafka(String bootstrapServers, TopicNames topics) {
    }

    class KafkaNamespaceFactory implements ContextCustomizerFactory {

        @Override
        public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> attributes) {
            return new PerTestClass(testClass);
        }
    }

    /** Equal only for the same test class, so no two classes share a context or a namespace. */
    record PerTestClass(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            String namespace = "it-" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            String bootstrap = KafkaBrokers.shared().bootstrapServers();
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("gateway-test-kafka", Map.of(
                    "spring.kafka.bootstrap-servers", bootstrap,
                    "servelink.kafka.topic-namespace", namespace,
                    "servelink.kafka.provision-topics", "true",
                    "servelink.security.hmac-secret", TestTokens.SECRET)));
            context.getBeanFactory().registerSingleton("testKafka", new TestKafka(bootstrap, new TopicNames(namespace)));
        }
    }
}
