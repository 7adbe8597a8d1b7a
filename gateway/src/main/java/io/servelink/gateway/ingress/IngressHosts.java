package io.servelink.gateway.ingress;

import io.servelink.gateway.projects.Project;
import io.servelink.gateway.projects.ProjectsRegistry;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Decides whether a request is project traffic, by its Host (port stripped, lower case): a registered project
 * host, or any host under the ingress domain suffix. Such requests belong to the project, whatever their path.
 */
@Component
public class IngressHosts {

    private static final String PROJECT_ATTRIBUTE = IngressHosts.class.getName() + ".project";

    private final ProjectsRegistry registry;
    private final String domainSuffix;

    IngressHosts(ProjectsRegistry registry, IngressSettings settings) {
        this.registry = registry;
        this.domainSuffix = settings.domainSuffix();
    }

    /** Whether the request goes to a project (or to a 404 for an unknown project host), not to the gateway's API. */
    public boolean isIngress(ServerWebExchange exchange) {
        return isIngress(exchange.getRequest());
    }

    /** {@link #isIngress(ServerWebExchange)}, for code that holds the request only (observation contexts). */
    public boolean isIngress(ServerHttpRequest request) {
        return hostOf(request).map(host -> registry.byHost(host).isPresent() || host.endsWith(domainSuffix)).orElse(false);
    }

    /** The project {@link #resolve} remembered on the exchange, if any (the metering, the proxy or the route's predicate). */
    public static Optional<Project> projectOf(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(PROJECT_ATTRIBUTE));
    }

    /**
     * The registered project a request is for: the one already remembered on the exchange, else the one its host
     * names, then remembered (so every later step of the exchange sees the same project even if the registry
     * changes meanwhile).
     */
    public Optional<Project> resolve(ServerWebExchange exchange) {
        Optional<Project> remembered = projectOf(exchange);
        if (remembered.isPresent()) {
            return remembered;
        }
        Optional<Project> project = hostOf(exchange.getRequest()).flatMap(registry::byHost);
        project.ifPresent(p -> remember(exchange, p));
        return project;
    }

    /** The route predicate: true for ingress hosts; remembers the registered project, if any, on the exchange. */
    boolean matchAndRemember(ServerWebExchange exchange) {
        Optional<String> host = hostOf(exchange.getRequest());
        return host.isPresent() && (resolve(exchange).isPresent() || host.get().endsWith(domainSuffix));
    }

    static void remember(ServerWebExchange exchange, Project project) {
        exchange.getAttributes().put(PROJECT_ATTRIBUTE, project);
    }

    static Optional<String> hostOf(ServerHttpRequest request) {
        InetSocketAddress host = request.getHeaders().getHost();
        if (host == null || host.getHostString() == null || host.getHostString().isEmpty()) {
            return Optional.empty();
        }
        String name = host.getHostString().toLowerCase(Locale.ROOT);
        return Optional.of(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    }
}
