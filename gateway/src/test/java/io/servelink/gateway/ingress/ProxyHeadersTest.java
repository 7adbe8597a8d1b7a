package io.servelink.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.gateway.projects.Project;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.GRPCResponseHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter.Type;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * The one-pass headers against the chain of header filters they replace, as the gateway orders it (the gateway's
 * beans without trusted proxies, plus {@link IngressForwardedHeaders}): the same headers reach the upstream and the
 * client for every kind of header a request or answer can carry.
 */
class ProxyHeadersTest {

    private static final List<HttpHeadersFilter> CHAIN = Stream.<HttpHeadersFilter>of(new RemoveForwardedHeadersFilter(),
                    new RemoveXForwardedHeadersFilter(), new IngressForwardedHeaders(), new TransferEncodingNormalizationHeadersFilter(),
                    new RemoveHopByHopHeadersFilter(), new GRPCRequestHeadersFilter(), new GRPCResponseHeadersFilter())
            .sorted(Comparator.comparingInt(filter -> ((Ordered) filter).getOrder()))
            .toList();

    static Stream<HttpHeaders> requests() {
        return Stream.of(
                headers("Host", "shop.apps.localhost", "Accept", "text/html", "Cookie", "a=1", "Cookie", "b=2", "X-App", "x"),
                headers("Host", "shop.apps.localhost:8080", "Connection", "keep-alive, X-Secret-Hop", "Keep-Alive", "timeout=5",
                        "X-Secret-Hop", "1", "TE", "trailers", "Trailer", "X-Sum", "Proxy-Authorization", "Basic eDp5",
                        "Upgrade", "websocket", "X-Application-Context", "app", "Authorization", "Bearer project-own"),
                headers("Host", "shop.apps.localhost", "Forwarded", "for=1.2.3.4", "X-Forwarded-For", "1.2.3.4",
                        "X-Forwarded-Host", "evil.example", "x-forwarded-proto", "https", "X-Forwarded-Prefix", "/admin",
                        "X-Forwarded-Port", "443", "X-Forwardedness", "kept: no dash after forwarded"),
                headers("Host", "shop.apps.localhost", "Transfer-Encoding", " Chunked ", "Content-Length", "10"),
                headers("Host", "shop.apps.localhost", "Content-Length", "10", "Content-Type", "application/json"),
                headers("Host", "shop.apps.localhost", "cOnNeCtIoN", "X-HOP", "x-hop", "gone", "x-APP", "kept"),
                headers("Host", "shop.apps.localhost", "Connection", "a", "Connection", "b , c", "A", "1", "B", "2", "C", "3", "D", "4"),
                headers("Accept", "*/*"));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void upstreamGetsWhatTheFilterChainWouldHaveSent(HttpHeaders client) {
        MockServerWebExchange exchange = projectExchange(client);

        HttpHeaders viaChain = HttpHeadersFilter.filterRequest(CHAIN, exchange);

        assertThat(normalized(ProxyHeaders.toUpstream(exchange.getRequest()))).isEqualTo(normalized(viaChain));
    }

    static Stream<HttpHeaders> responses() {
        return Stream.of(
                headers("Content-Type", "text/html", "Content-Length", "1024", "Set-Cookie", "a=1", "Set-Cookie", "b=2"),
                headers("Connection", "keep-alive, X-Upstream-Hop", "Keep-Alive", "timeout=5", "X-Upstream-Hop", "1",
                        "Proxy-Authenticate", "Basic", "Transfer-Encoding", "chunked", "Upgrade", "h2c", "X-App", "kept"),
                headers("connection", "close", "Cache-Control", "no-store"),
                headers());
    }

    @ParameterizedTest
    @MethodSource("responses")
    void clientGetsWhatTheFilterChainWouldHaveAnswered(HttpHeaders upstream) {
        MockServerWebExchange exchange = projectExchange(headers("Host", "shop.apps.localhost"));

        HttpHeaders viaChain = HttpHeadersFilter.filter(CHAIN, copy(upstream), exchange, Type.RESPONSE);

        assertThat(normalized(ProxyHeaders.fromUpstream(copy(upstream)))).isEqualTo(normalized(viaChain));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void theProxysNettyPathSendsTheSameHeadersExceptTheClientsHost(HttpHeaders client) {
        MockServerWebExchange exchange = projectExchange(client);
        HttpHeaders expected = ProxyHeaders.toUpstream(exchange.getRequest());
        expected.remove(HttpHeaders.HOST);

        io.netty.handler.codec.http.HttpHeaders upstream = new DefaultHttpHeaders();
        ProxyHeaders.toUpstream(netty(exchange.getRequest().getHeaders()), false, upstream);

        assertThat(normalized(spring(upstream))).isEqualTo(normalized(expected));
    }

    @ParameterizedTest
    @MethodSource("responses")
    void theProxysNettyPathAnswersTheSameHeaders(HttpHeaders upstream) {
        HttpHeaders client = new HttpHeaders();

        ProxyHeaders.fromUpstream(netty(upstream), client::add);

        assertThat(normalized(client)).isEqualTo(normalized(ProxyHeaders.fromUpstream(copy(upstream))));
    }

    @Test
    void theNettyPathTellsTheUpstreamTheClientUsedHttps() {
        io.netty.handler.codec.http.HttpHeaders upstream = new DefaultHttpHeaders();

        ProxyHeaders.toUpstream(netty(headers("Host", "shop.apps.localhost", "X-Forwarded-Proto", "http")), true, upstream);

        assertThat(upstream.getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(upstream.getAll("X-Forwarded-Host")).containsExactly("shop.apps.localhost");
        assertThat(upstream.contains(HttpHeaders.HOST)).isFalse();
    }

    @Test
    void theClientsConnectionHeaderCannotStripTheForwardingHeadersTheGatewayAdds() {
        MockServerWebExchange exchange = projectExchange(headers("Host", "shop.apps.localhost",
                "Connection", "X-Forwarded-Host, X-Forwarded-Proto"));

        HttpHeaders upstream = ProxyHeaders.toUpstream(exchange.getRequest());

        assertThat(upstream.getFirst("X-Forwarded-Host")).isEqualTo("shop.apps.localhost");
        assertThat(upstream.getFirst("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(upstream.containsHeader(HttpHeaders.CONNECTION)).isFalse();
    }

    private static MockServerWebExchange projectExchange(HttpHeaders client) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://shop.apps.localhost/page")
                .headers(client));
        IngressHosts.remember(exchange, new Project("shop", "acme", List.of("shop.apps.localhost"),
                URI.create("http://upstream:8000"), ProjectStatus.ACTIVE));
        return exchange;
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders headers = new HttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    /** Unvalidated, as some of the inputs hold what Netty's decoder would have trimmed (" Chunked "). */
    private static io.netty.handler.codec.http.HttpHeaders netty(HttpHeaders headers) {
        io.netty.handler.codec.http.HttpHeaders netty = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        headers.forEach((name, values) -> values.forEach(value -> netty.add(name, value)));
        return netty;
    }

    private static HttpHeaders spring(io.netty.handler.codec.http.HttpHeaders netty) {
        HttpHeaders headers = new HttpHeaders();
        netty.forEach(field -> headers.add(field.getKey(), field.getValue()));
        return headers;
    }

    private static HttpHeaders copy(HttpHeaders headers) {
        HttpHeaders copy = new HttpHeaders();
        copy.addAll(headers);
        return copy;
    }

    private static Map<String, List<String>> normalized(HttpHeaders headers) {
        Map<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) -> byName.merge(name.toLowerCase(Locale.ROOT), values,
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        return byName;
    }
}
