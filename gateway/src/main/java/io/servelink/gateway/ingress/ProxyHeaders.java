package io.servelink.gateway.ingress;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The headers of a proxied project request and of its response, each computed in one pass. The result is that of
 * Spring Cloud Gateway's chain of header filters for a project request (RemoveForwarded, RemoveXForwarded,
 * {@link IngressForwardedHeaders}, TransferEncodingNormalization, RemoveHopByHop), which copied the whole header
 * map once per filter and lower-cased every name several times: a fifth of the gateway's CPU per proxied 1 KB
 * request (docs/benchmarks.md). {@code ProxyHeadersTest} holds the two to the same answers.
 * <p>
 * One deliberate difference: the client's {@code Connection} header names hop-by-hop fields of the client's own
 * message, so it cannot strip the forwarding headers the gateway adds (in the chain it could).
 */
final class ProxyHeaders {

    /** The connection-specific fields a proxy must not forward (RFC 9110 §7.6.1), the gateway's own list. */
    private static final Set<String> HOP_BY_HOP = caseInsensitive(RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST);
    private static final String FORWARDED = "Forwarded";
    private static final String X_FORWARDED_PREFIX = "x-forwarded-";

    private ProxyHeaders() {
    }

    /**
     * What the upstream receives: the client's headers without hop-by-hop fields (the listed ones and those the
     * client's {@code Connection} names), without any forwarding header the client claimed, without
     * {@code Content-Length} next to chunked transfer coding, plus the client's host and scheme.
     */
    static HttpHeaders toUpstream(ServerHttpRequest request) {
        HttpHeaders client = request.getHeaders();
        Set<String> connectionOptions = connectionOptions(client);
        boolean chunkedWithLength = isChunked(client.getFirst(HttpHeaders.TRANSFER_ENCODING))
                && client.containsHeader(HttpHeaders.CONTENT_LENGTH);
        HttpHeaders upstream = new HttpHeaders();
        for (Map.Entry<String, List<String>> header : client.headerSet()) {
            if (isForwardedToUpstream(header.getKey(), connectionOptions, chunkedWithLength)) {
                upstream.addAll(header.getKey(), header.getValue());
            }
        }
        IngressForwardedHeaders.setOn(upstream, request);
        return upstream;
    }

    /**
     * {@link #toUpstream(ServerHttpRequest)} between Netty's own header maps, for the project proxy: the same
     * fields, without the copies into Spring's case-insensitive maps and back, and without {@code Host} (the
     * upstream's own comes from its URL; the client's travels in {@code X-Forwarded-Host}).
     */
    static void toUpstream(io.netty.handler.codec.http.HttpHeaders client, boolean secure, io.netty.handler.codec.http.HttpHeaders upstream) {
        Set<String> connectionOptions = connectionOptions(client.getAll(HttpHeaders.CONNECTION));
        boolean chunkedWithLength = isChunked(client.get(HttpHeaders.TRANSFER_ENCODING)) && client.contains(HttpHeaders.CONTENT_LENGTH);
        for (var header = client.iteratorAsString(); header.hasNext(); ) {
            Map.Entry<String, String> field = header.next();
            String name = field.getKey();
            if (!name.equalsIgnoreCase(HttpHeaders.HOST) && isForwardedToUpstream(name, connectionOptions, chunkedWithLength)) {
                upstream.add(name, field.getValue());
            }
        }
        String clientHost = client.get(HttpHeaders.HOST);
        if (clientHost != null) {
            upstream.set(IngressForwardedHeaders.FORWARDED_HOST, clientHost);
        }
        upstream.set(IngressForwardedHeaders.FORWARDED_PROTO, secure ? "https" : "http");
    }

    private static boolean isForwardedToUpstream(String name, Set<String> connectionOptions, boolean chunkedWithLength) {
        return !isHopByHop(name, connectionOptions) && !isForwarding(name)
                && !(chunkedWithLength && name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH));
    }

    /** What the client receives from the upstream's answer: without its hop-by-hop fields. Edits in place. */
    static HttpHeaders fromUpstream(HttpHeaders upstream) {
        Set<String> connectionOptions = connectionOptions(upstream);
        upstream.headerNames().stream().filter(name -> isHopByHop(name, connectionOptions)).toList().forEach(upstream::remove);
        return upstream;
    }

    /** {@link #fromUpstream(HttpHeaders)} from Netty's header map of the upstream's answer, field by field into {@code client}. */
    static void fromUpstream(io.netty.handler.codec.http.HttpHeaders upstream, BiConsumer<String, String> client) {
        Set<String> connectionOptions = connectionOptions(upstream.getAll(HttpHeaders.CONNECTION));
        for (var header = upstream.iteratorAsString(); header.hasNext(); ) {
            Map.Entry<String, String> field = header.next();
            if (!isHopByHop(field.getKey(), connectionOptions)) {
                client.accept(field.getKey(), field.getValue());
            }
        }
    }

    private static boolean isHopByHop(String name, Set<String> connectionOptions) {
        return HOP_BY_HOP.contains(name) || connectionOptions.contains(name);
    }

    private static boolean isForwarding(String name) {
        return name.equalsIgnoreCase(FORWARDED) || name.regionMatches(true, 0, X_FORWARDED_PREFIX, 0, X_FORWARDED_PREFIX.length());
    }

    private static boolean isChunked(String transferEncoding) {
        return transferEncoding != null && "chunked".equalsIgnoreCase(transferEncoding.trim());
    }

    /** The field names the message's {@code Connection} header lists, as Spring parses them for the gateway's own filter. */
    private static Set<String> connectionOptions(HttpHeaders headers) {
        return headers.containsHeader(HttpHeaders.CONNECTION) ? caseInsensitive(headers.getConnection()) : Set.of();
    }

    /** The same, from the raw values of the {@code Connection} fields: comma-separated, trimmed, empty ones dropped. */
    private static Set<String> connectionOptions(List<String> connectionFields) {
        if (connectionFields.isEmpty()) {
            return Set.of();
        }
        Set<String> options = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String field : connectionFields) {
            for (String option : field.split(",")) {
                if (!option.isBlank()) {
                    options.add(option.trim());
                }
            }
        }
        return options;
    }

    private static Set<String> caseInsensitive(java.util.Collection<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }
}
