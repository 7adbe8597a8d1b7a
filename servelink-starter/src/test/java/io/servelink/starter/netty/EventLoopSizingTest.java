package io.servelink.starter.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class EventLoopSizingTest {

    @Test
    void oneLoopPerProcessor() {
        assertThat(EventLoopSizing.workers(new MockEnvironment(), 8)).isEqualTo(8);
    }

    @Test
    void neverFewerThanTwoLoops() {
        assertThat(EventLoopSizing.workers(new MockEnvironment(), 1)).isEqualTo(2);
    }

    @Test
    void theConfiguredCountWins() {
        assertThat(EventLoopSizing.workers(new MockEnvironment().withProperty("servelink.netty.io-workers", "3"), 8)).isEqualTo(3);
    }

    @Test
    void refusesAConfiguredCountBelowOne() {
        assertThatThrownBy(() -> EventLoopSizing.workers(new MockEnvironment().withProperty("servelink.netty.io-workers", "0"), 8))
                .hasMessageContaining("servelink.netty.io-workers");
    }
}
