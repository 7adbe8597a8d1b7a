package io.servelink.infra.test;

import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Gives each test class its own {@link TestInfrastructure}, as properties and as a bean. */
public class InfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return new PerTestClass(testClass);
    }

    /** Equal only for the same test class, so no two classes share a context (nor a database). */
    record PerTestClass(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            TestInfrastructure infrastructure = TestInfrastructure.forTestClass(testClass);
            context.getEnvironment().getPropertySources()
                    .addFirst(new MapPropertySource("servelink-test-infrastructure", infrastructure.springProperties()));
            context.getBeanFactory().registerSingleton("testInfrastructure", infrastructure);
        }
    }
}
