package io.servelink.starter.openapi;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code servelink.openapi.*}: what the served OpenAPI document says about the service beyond its endpoints.
 *
 * @param description what the service's API is for (the document's {@code info.description})
 * @param version the API's version ({@code info.version})
 * @param serverUrl where clients reach the API: the gateway's public address
 * @param serverDescription which environment {@code serverUrl} is
 */
@ConfigurationProperties("servelink.openapi")
public record OpenApiSettings(@DefaultValue("") String description,
                              @DefaultValue("1.0") String version,
                              @DefaultValue("https://api.servelink.example") String serverUrl,
                              @DefaultValue("production: the public API, through the gateway") String serverDescription) {
}
