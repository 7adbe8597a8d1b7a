package io.servelink.starter;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How services verify user tokens ({@code servelink.security.*}): RS256 through a JWKS URI in production,
 * an HS256 shared secret (at least 32 bytes) in the local profile and tests. Exactly one must be set.
 *
 * @param jwkSetUri   JWKS endpoint of the identity provider (production)
 * @param hmacSecret  shared HS256 secret (local profile, tests)
 * @param issuer      expected {@code iss}, checked when set
 * @param publicPaths extra path patterns reachable without a token (e.g. the payment webhook)
 */
@ConfigurationProperties("servelink.security")
public record SecuritySettings(URI jwkSetUri, String hmacSecret, String issuer,
                               @DefaultValue({}) List<String> publicPaths) {
}
