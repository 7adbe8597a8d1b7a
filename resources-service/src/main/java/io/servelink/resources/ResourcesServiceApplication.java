package io.servelink.resources;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Plan catalog, team subscriptions, add-ons, effective limits, expiry and renewal. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ResourcesServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ResourcesServiceApplication.class, args);
    }
}
