package io.servelink.support.notification;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * SMTP when {@code spring.mail.host} is set (Boot then creates the {@link JavaMailSender}), behind the {@code smtp}
 * circuit breaker; otherwise a log-only gateway (local stack without an SMTP server), which logs recipient and subject.
 */
@Configuration(proxyBeanMethods = false)
class MailGatewayConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MailGatewayConfiguration.class);

    @Bean
    MailGateway mailGateway(ObjectProvider<JavaMailSender> sender, CircuitBreakerRegistry breakers) {
        JavaMailSender smtp = sender.getIfAvailable();
        if (smtp == null) {
            log.warn("spring.mail.host is not set: e-mails are logged, not sent");
            return (from, to, subject, body) -> log.info("E-mail (log only) to {}: {}", to, subject);
        }
        CircuitBreaker breaker = breakers.circuitBreaker("smtp");
        return (from, to, subject, body) -> breaker.executeRunnable(() -> {
            SimpleMailMessage message = new SimpleMailMessage();
            message.setFrom(from);
            message.setTo(to);
            message.setSubject(subject);
            message.setText(body);
            smtp.send(message);
        });
    }
}
