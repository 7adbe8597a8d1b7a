package io.servelink.starter.jobs;

import com.zaxxer.hikari.HikariDataSource;
import io.servelink.starter.TeamGuard;
import io.servelink.starter.audit.AuditLog;
import java.time.Clock;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.provider.sql.DatabaseProduct;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Jobs for services with a database: every {@link Job} bean on its cron, locked by ShedLock in the {@code shedlock}
 * table (shared Liquibase changelog), and the operator trigger. The services talk to their database over R2DBC; the
 * lock goes over JDBC (ShedLock's mature provider), through a pool of two connections of its own on the URL Liquibase
 * migrates ({@code spring.liquibase.url}, {@code .user}, {@code .password}). Times are the database's.
 */
@AutoConfiguration(afterName = {
        "io.servelink.starter.ServelinkAutoConfiguration",
        "io.servelink.starter.audit.AuditAutoConfiguration",
        "io.servelink.starter.outbox.OutboxAutoConfiguration"})
@ConditionalOnClass({JdbcTemplateLockProvider.class, HikariDataSource.class})
@ConditionalOnProperty("spring.liquibase.url")
@EnableConfigurationProperties(JobsSettings.class)
public class JobsAutoConfiguration {

    /** The lock table's connections (not a DataSource bean: Boot would wire JDBC transactions and health to it). */
    record JobLockPool(HikariDataSource dataSource) implements AutoCloseable {

        @Override
        public void close() {
            dataSource.close();
        }
    }

    @Bean(destroyMethod = "close")
    JobLockPool jobLockPool(Environment environment) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName("job-locks");
        pool.setJdbcUrl(environment.getRequiredProperty("spring.liquibase.url"));
        pool.setUsername(environment.getProperty("spring.liquibase.user"));
        pool.setPassword(environment.getProperty("spring.liquibase.password"));
        pool.setMaximumPoolSize(2);
        pool.setMinimumIdle(0);
        pool.setInitializationFailTimeout(-1);
        return new JobLockPool(pool);
    }

    @Bean
    @ConditionalOnMissingBean
    LockProvider jobLockProvider(JobLockPool pool) {
        return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
                .withJdbcTemplate(new JdbcTemplate(pool.dataSource()))
                .withTableName("shedlock")
                .withDatabaseProduct(DatabaseProduct.POSTGRES_SQL)
                .usingDbTime()
                .build());
    }

    @Bean
    @ConditionalOnMissingBean
    LockingTaskExecutor lockingTaskExecutor(LockProvider locks) {
        return new DefaultLockingTaskExecutor(locks);
    }

    @Bean
    JobRunner jobRunner(ObjectProvider<Job> jobs, LockingTaskExecutor locks, ObjectProvider<Clock> clock, Environment environment) {
        Binder binder = Binder.get(environment);
        return new JobRunner(jobs.orderedStream().toList(), name -> binder.bindOrCreate("servelink.jobs." + name, JobSettings.class),
                locks, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnProperty("servelink.jobs.trigger-path")
    @ConditionalOnBean({TeamGuard.class, AuditLog.class})
    JobsController jobsController(JobRunner runner, TeamGuard guard, AuditLog audit) {
        return new JobsController(runner, guard, audit);
    }

    /** Off with {@code servelink.jobs.enabled=false}: nothing runs on a schedule, operators still trigger. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnProperty(name = "servelink.jobs.enabled", havingValue = "true", matchIfMissing = true)
    static class Scheduling {

        @Bean
        JobScheduler jobScheduler(JobRunner runner) {
            return new JobScheduler(runner);
        }
    }
}
