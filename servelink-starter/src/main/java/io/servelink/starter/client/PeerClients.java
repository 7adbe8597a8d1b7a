package io.servelink.starter.client;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.codec.json.JacksonJsonEncoder;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the {@link PeerClient} of each peer, one per peer and Resilience4j instance name:
 * <pre>{@code
 * PeerClient resources = peers.peer("resources", settings.resourcesUrl())
 *         .timeouts(settings.resourcesConnectTimeout(), settings.resourcesResponseTimeout())
 *         .build();
 * }</pre>
 * The {@link WebClient} comes from Boot's {@code WebClient.Builder} (so requests are observed: timed, and carrying the
 * caller's trace in {@code traceparent}), speaks JSON with the service's {@link JsonMapper} and reads problem bodies
 * with their extension members. Connect and response timeouts have no default: they come from the service's
 * configuration.
 */
public final class PeerClients {

    private static final PeerRejected REJECTION = new PeerRejected(HttpStatus.BAD_REQUEST, ProblemDetail.forStatus(400));

    private final Supplier<WebClient.Builder> builders;
    private final JsonMapper json;
    private final CircuitBreakerRegistry breakers;
    private final TimeLimiterRegistry timeLimiters;
    private final RetryRegistry retries;

    /**
     * @param builders a new {@code WebClient.Builder} per call (Boot's prototype bean)
     * @param json     the service's mapper, or null to keep the builder's codecs
     */
    public PeerClients(Supplier<WebClient.Builder> builders, JsonMapper json, CircuitBreakerRegistry breakers,
                       TimeLimiterRegistry timeLimiters, RetryRegistry retries) {
        this.builders = builders;
        this.json = json;
        this.breakers = breakers;
        this.timeLimiters = timeLimiters;
        this.retries = retries;
    }

    /** Starts the client of the peer {@code name} (its Resilience4j instances have that name) at {@code baseUrl}. */
    public Spec peer(String name, Object baseUrl) {
        return new Spec(name, baseUrl.toString());
    }

    /** What a peer's client is made of; {@link #timeouts} is required. */
    public final class Spec {

        private final String name;
        private final String baseUrl;
        private Duration connectTimeout;
        private Duration responseTimeout;
        private UnaryOperator<HttpClient> transport = UnaryOperator.identity();
        private Consumer<WebClient.Builder> web = builder -> { };

        private Spec(String name, String baseUrl) {
            this.name = name;
            this.baseUrl = baseUrl;
        }

        /**
         * @param connect  how long opening a TCP connection may take
         * @param response how long the peer may take to answer a request once it is sent (and between reads after)
         */
        public Spec timeouts(Duration connect, Duration response) {
            this.connectTimeout = Objects.requireNonNull(connect, "connect timeout");
            this.responseTimeout = Objects.requireNonNull(response, "response timeout");
            return this;
        }

        /** Changes the Reactor Netty client, e.g. to reach the peer over a unix socket. */
        public Spec transport(UnaryOperator<HttpClient> transport) {
            this.transport = transport;
            return this;
        }

        /** Further settings of the {@code WebClient} (default headers, buffer limits). */
        public Spec web(Consumer<WebClient.Builder> web) {
            this.web = web;
            return this;
        }

        public PeerClient build() {
            if (connectTimeout == null) {
                throw new IllegalStateException("Set the connect and response timeouts of peer " + name);
            }
            HttpClient http = transport.apply(HttpClient.create()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
                    .responseTimeout(responseTimeout));
            WebClient.Builder builder = builders.get().baseUrl(baseUrl).clientConnector(new ReactorClientHttpConnector(http));
            if (json != null) {
                JsonMapper reader = json.rebuild().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class).build();
                builder.codecs(codecs -> {
                    codecs.defaultCodecs().jacksonJsonEncoder(new JacksonJsonEncoder(json));
                    codecs.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(reader));
                });
            }
            web.accept(builder);
            return new PeerClient(name, builder.build(), breakerIgnoringRejections(name), timeLimiters.timeLimiter(name),
                    new RetryOnce(name));
        }
    }

    /** The peer's breaker, configured as in {@code resilience4j.circuitbreaker}, and ignoring {@link PeerRejected}. */
    private CircuitBreaker breakerIgnoringRejections(String name) {
        CircuitBreaker configured = breakers.circuitBreaker(name);
        CircuitBreakerConfig base = configured.getCircuitBreakerConfig();
        Predicate<Throwable> ignored = base.getIgnoreExceptionPredicate();
        if (ignored.test(REJECTION)) {
            return configured;
        }
        CircuitBreakerConfig config = CircuitBreakerConfig.from(base)
                .ignoreException(e -> e instanceof PeerRejected || ignored.test(e))
                .build();
        CircuitBreaker replacement = CircuitBreaker.of(name, config, configured.getTags());
        breakers.replace(name, replacement); // the registry's metrics and health follow the replacement
        return replacement;
    }

    /**
     * The peer's retry, configured as in {@code resilience4j.retry} (attempts, waits) and retrying what
     * {@link PeerClient#retryable} says, made when a client first asks for it.
     */
    private final class RetryOnce implements Supplier<Retry> {

        private final String name;
        private volatile Retry retry;

        RetryOnce(String name) {
            this.name = name;
        }

        @Override
        public Retry get() {
            Retry made = retry;
            if (made == null) {
                synchronized (this) {
                    made = retry;
                    if (made == null) {
                        made = retryByTheRules(name);
                        retry = made;
                    }
                }
            }
            return made;
        }
    }

    private Retry retryByTheRules(String name) {
        Retry configured = retries.retry(name);
        RetryConfig config = RetryConfig.from(configured.getRetryConfig())
                .retryOnException(PeerClient::retryable)
                .retryExceptions()
                .ignoreExceptions()
                .build();
        Retry replacement = Retry.of(name, config, configured.getTags());
        retries.replace(name, replacement); // the registry's metrics follow the replacement
        return replacement;
    }
}
