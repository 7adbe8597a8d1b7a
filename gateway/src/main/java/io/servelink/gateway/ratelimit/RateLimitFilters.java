package io.servelink.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.servelink.contracts.security.ServelinkClaims;
import io.servelink.starter.ProblemWriter;
import io.servelink.gateway.ingress.IngressHosts;
import java.net.URI;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The two limits, as web filters (so they cover everything the gateway answers: API routes, project ingress, its
 * own controllers). A refused request ends with 429 problem+json and {@code Retry-After}; it reaches no upstream
 * and is not metered.
 */
final class RateLimitFilters {

    static final URI RATE_LIMITED = URI.create("https://problems.servelink.io/rate-limited");

    /** Before the security chain (order -100): floods are refused before any token is verified. */
    static final int PER_ADDRESS_ORDER = -200;
    /** After the security chain, which put the verified token in the reactor context. */
    static final int PER_TEAM_ORDER = -90;

    private RateLimitFilters() {
    }

    static final class PerAddress implements WebFilter, Ordered {

        private final TokenBuckets buckets;
        private final RateLimitSettings.Bucket bucket;
        private final ClientAddress addresses;
        private final Counter refused;

        PerAddress(TokenBuckets buckets, RateLimitSettings settings, MeterRegistry meters) {
            this.buckets = buckets;
            this.bucket = settings.perAddress();
            this.addresses = new ClientAddress(settings.trustedProxies());
            this.refused = refusedCounter(meters, "address");
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            return buckets.take("address:" + addresses.of(exchange.getRequest()), bucket)
                    .flatMap(decision -> decision.allowed() ? chain.filter(exchange)
                            : refuse(exchange, decision, refused, "Too many requests from this address"));
        }

        @Override
        public int getOrder() {
            return PER_ADDRESS_ORDER;
        }
    }

    static final class PerTeam implements WebFilter, Ordered {

        private final TokenBuckets buckets;
        private final RateLimitSettings.Bucket bucket;
        private final IngressHosts ingress;
        private final Counter refused;

        PerTeam(TokenBuckets buckets, RateLimitSettings settings, IngressHosts ingress, MeterRegistry meters) {
            this.buckets = buckets;
            this.bucket = settings.perTeam();
            this.ingress = ingress;
            this.refused = refusedCounter(meters, "team");
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            if (!exchange.getRequest().getPath().value().startsWith("/api/") || ingress.isIngress(exchange)) {
                return chain.filter(exchange);
            }
            return ReactiveSecurityContextHolder.getContext()
                    .mapNotNull(SecurityContext::getAuthentication)
                    .ofType(JwtAuthenticationToken.class)
                    .map(token -> keyOf(ServelinkClaims.fromClaims(token.getToken().getClaims()), exchange.getRequest().getPath().value()))
                    .defaultIfEmpty(UNAUTHENTICATED)
                    .flatMap(key -> key.equals(UNAUTHENTICATED) ? chain.filter(exchange) : limited(key, exchange, chain));
        }

        /** Public API paths (the payment webhook) and refused tokens: only the address limit applies. */
        private static final String UNAUTHENTICATED = "";

        private Mono<Void> limited(String key, ServerWebExchange exchange, WebFilterChain chain) {
            return buckets.take(key, bucket).flatMap(decision -> decision.allowed() ? chain.filter(exchange)
                    : refuse(exchange, decision, refused, "Too many requests for this team"));
        }

        /**
         * The team a call is counted against: the team in the path ({@code /api/{service}/{team}/...}) when the token
         * names it, else the token's only team, else the caller (a member of several teams calling a team-less path,
         * or of none).
         */
        static String keyOf(ServelinkClaims claims, String path) {
            Map<String, ?> teams = claims.teams();
            String[] segments = path.split("/", 5);
            if (segments.length > 3 && teams.containsKey(segments[3])) {
                return "team:" + segments[3];
            }
            if (teams.size() == 1) {
                return "team:" + teams.keySet().iterator().next();
            }
            return "user:" + claims.subject();
        }

        @Override
        public int getOrder() {
            return PER_TEAM_ORDER;
        }
    }

    private static Counter refusedCounter(MeterRegistry meters, String limit) {
        return Counter.builder("servelink.gateway.rate_limit.refused").tag("limit", limit)
                .description("Requests refused with 429 by a rate limit").register(meters);
    }

    private static Mono<Void> refuse(ServerWebExchange exchange, Decision decision, Counter refused, String detail) {
        refused.increment();
        long seconds = decision.retryAfterSeconds();
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return ProblemWriter.write(exchange, HttpStatus.TOO_MANY_REQUESTS, RATE_LIMITED, "Too many requests",
                detail + "; retry after " + seconds + " s");
    }
}
