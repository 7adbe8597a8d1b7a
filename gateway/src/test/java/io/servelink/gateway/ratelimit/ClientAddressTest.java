package io.servelink.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientAddressTest {

    private static MockServerHttpRequest from(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/").remoteAddress(new InetSocketAddress(peer, 40000));
        for (String hop : forwardedFor) {
            request.header("X-Forwarded-For", hop);
        }
        return request.build();
    }

    @Test
    void usesThePeerAndIgnoresForwardedForWithoutTrustedProxies() {
        ClientAddress addresses = new ClientAddress(List.of());
        assertThat(addresses.of(from("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void believesForwardedForOnlyThroughATrustedProxyAndTakesTheRightMostUntrustedHop() {
        ClientAddress addresses = new ClientAddress(List.of("10.0.0.0/8"));
        assertThat(addresses.of(from("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.9.9.9")))
                .as("the left-most entry is the client's own claim").isEqualTo("203.0.113.9");
        assertThat(addresses.of(from("192.0.2.1", "203.0.113.9"))).as("not through a trusted proxy").isEqualTo("192.0.2.1");
        assertThat(addresses.of(from("10.1.2.3"))).as("no header: the proxy itself").isEqualTo("10.1.2.3");
    }

    @Test
    void countsIpv6ByItsSlash64() {
        ClientAddress addresses = new ClientAddress(List.of());
        assertThat(addresses.of(from("2001:db8:1:2:aaaa::1"))).isEqualTo(addresses.of(from("2001:db8:1:2:bbbb::99")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(addresses.of(from("2001:db8:1:3::1"))).isNotEqualTo(addresses.of(from("2001:db8:1:2::1")));
    }

    @Test
    void keepsGarbageInForwardedForAsAShortKeyOfItsOwn() {
        ClientAddress addresses = new ClientAddress(List.of("127.0.0.1"));
        assertThat(addresses.of(from("127.0.0.1", "x".repeat(500)))).hasSize("forwarded:".length() + 64);
    }
}
