package io.servelink.gateway.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client address a request is limited by. The TCP peer, unless the peer is a trusted proxy: then the right-most
 * {@code X-Forwarded-For} entry that is not a trusted proxy (entries further left are the client's own claims).
 * IPv6 addresses count by their /64, the smallest block a client usually gets, so rotating within it does not help.
 */
final class ClientAddress {

    private final List<Cidr> trustedProxies;

    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
    }

    String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        String address = remote.getAddress().getHostAddress();
        if (!trustedProxies.isEmpty() && isTrusted(address)) {
            List<String> forwarded = request.getHeaders().getValuesAsList("X-Forwarded-For");
            for (int i = forwarded.size() - 1; i >= 0; i--) {
                String hop = forwarded.get(i).strip();
                if (!isTrusted(hop)) {
                    return normalised(hop);
                }
            }
        }
        return block(remote.getAddress());
    }

    private boolean isTrusted(String address) {
        String literal = address.startsWith("[") && address.contains("]") ? address.substring(1, address.indexOf(']')) : address;
        if (!literal.matches("[0-9a-fA-F:.]{2,45}")) {
            return false;
        }
        try {
            byte[] bytes = InetAddress.ofLiteral(literal).getAddress();
            return trustedProxies.stream().anyMatch(proxy -> proxy.contains(bytes));
        } catch (IllegalArgumentException notAnAddress) {
            return false;
        }
    }

    /** A forwarded entry as a key: an IP literal by its block, anything else (garbage, "unknown") as itself. */
    private static String normalised(String hop) {
        String literal = hop.startsWith("[") && hop.contains("]") ? hop.substring(1, hop.indexOf(']')) : hop;
        if (literal.matches("[0-9a-fA-F:.]{2,45}")) {
            try {
                return block(InetAddress.ofLiteral(literal));
            } catch (IllegalArgumentException ignored) {
                // not an IP literal after all
            }
        }
        return "forwarded:" + (hop.length() > 64 ? hop.substring(0, 64) : hop);
    }

    private static String block(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    /** An address or CIDR range of trusted proxies, e.g. {@code 10.0.0.0/8}. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] network = InetAddress.ofLiteral(slash < 0 ? text : text.substring(0, slash)).getAddress();
            int bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("servelink.gateway.rate-limits.trusted-proxies: bad prefix in " + text);
            }
            return new Cidr(network, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
