package io.servelink.infra.test;

import io.servelink.infra.PostgresServer;
import io.servelink.infra.PostgresServers;
import io.servelink.infra.RestartablePostgres;
import java.util.List;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives each test class its own {@link TestInfrastructure}, as properties and as a bean; with {@link OwnPostgres}
 * also its own PostgreSQL server (bean {@code restartablePostgres}), stopped after the context's other beans. Classes
 * marked {@link ReadOnlyServiceIT} get one customizer, equal for all of them, so they share a context.
 */
public class InfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        if (MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).isPresent(ReadOnlyServiceIT.class)) {
            return new ReadOnlyClasses();
        }
        return new PerTestClass(testClass);
    }

    /** Equal for every read-only class, so those with equal configuration share a context (and a database). */
    record ReadOnlyClasses() implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            register(context, TestInfrastructure.forTestClass(ReadOnlyServiceIT.class, PostgresServers.shared()));
        }
    }

    /** Equal only for the same test class, so no two classes share a context (nor a database). */
    record PerTestClass(Class<?> testClass) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            boolean own = MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY).isPresent(OwnPostgres.class);
            PostgresServer postgres = own ? RestartablePostgres.start() : PostgresServers.shared();
            register(context, TestInfrastructure.forTestClass(testClass, postgres));
            if (postgres instanceof RestartablePostgres restartable) {
                context.getBeanFactory().registerSingleton("restartablePostgres", restartable);
                // registered before every application bean, so destroyed after them (their pools close first)
                ((DefaultListableBeanFactory) context.getBeanFactory()).registerDisposableBean("restartablePostgres", restartable::close);
            }
        }
    }

    /** The infrastructure as the context's first property source and as bean {@code testInfrastructure}. */
    private static void register(ConfigurableApplicationContext context, TestInfrastructure infrastructure) {
        context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("servelink-test-infrastructure", infrastructure.springProperties()));
        context.getBeanFactory().registerSingleton("testInfrastructure", infrastructure);
    }
}
