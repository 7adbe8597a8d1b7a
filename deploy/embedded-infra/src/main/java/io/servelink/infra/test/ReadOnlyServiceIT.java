package io.servelink.infra.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextCustomizerFactories;
import org.springframework.test.context.TestPropertySource;

/**
 * An integration test of one service that leaves nothing behind another class could see: it reads (an OpenAPI
 * document) or its writes are refused (an authorization matrix, hostile input), with the service's scheduled jobs
 * off. Such classes of a module share one running service (Spring's context cache) on one database and topic
 * namespace, created for the first of them and dropped when the test JVM ends, instead of a context each as
 * {@link ServiceIT} gives. A class with configuration of its own (more properties, imported beans) gets a context
 * of its own all the same: only classes whose configuration is equal share.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextCustomizerFactories(InfrastructureContextCustomizerFactory.class)
@TestPropertySource(properties = "servelink.jobs.enabled=false")
public @interface ReadOnlyServiceIT {
}
