package io.servelink.gateway.access;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the gateway's own pages at a project's host show ({@code servelink.gateway.visitor-pages.*}).
 *
 * @param dashboardUrl the customer dashboard's public address (e.g. {@code https://app.servelink.io/}); when set, the
 *                     over-limit and waking pages link the project's owner to it, else they carry no link
 */
@ConfigurationProperties("servelink.gateway.visitor-pages")
record VisitorPagesSettings(URI dashboardUrl) {
}
