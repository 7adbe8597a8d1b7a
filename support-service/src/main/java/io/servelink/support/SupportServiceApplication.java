package io.servelink.support;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Tickets with Pro priority, conversations, internal notes, SLA, notifications, knowledge base. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SupportServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(SupportServiceApplication.class, args);
    }
}
