package io.servelink.infra.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link ServiceIT} class: the service's database lives on a PostgreSQL server of the class's own (an embedded
 * {@link io.servelink.infra.RestartablePostgres}, injectable) instead of the shared one, so that the test can stop and
 * start it under the running service. It stops with the context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface OwnPostgres {
}
