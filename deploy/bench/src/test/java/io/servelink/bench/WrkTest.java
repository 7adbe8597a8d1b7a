package io.servelink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WrkTest {

    private static final String OUTPUT = """
            Running 20s test @ http://127.0.0.1:18080/1k
              2 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.72ms    1.01ms  41.33ms   92.02%
                Req/Sec     9.73k   812.45    11.37k    71.25%
              Latency Distribution
                 50%  850.00us
                 75%    1.83ms
                 90%    2.46ms
                 99%    1.20s
              387456 requests in 20.01s, 424.61MB read
              Non-2xx or 3xx responses: 12
              Socket errors: connect 0, read 3, write 0, timeout 1
            Requests/sec:  19363.17
            Transfer/sec:     21.22MB
            """;

    @Test
    void readsThroughputAndConvertsPercentilesToMilliseconds() {
        Wrk.Outcome outcome = Wrk.parse(OUTPUT);

        assertThat(outcome.requestsPerSecond()).isEqualTo(19363.17);
        assertThat(outcome.requests()).isEqualTo(387456);
        assertThat(outcome.p50Millis()).isCloseTo(0.85, within(1e-9));
        assertThat(outcome.p99Millis()).isCloseTo(1200, within(1e-9));
    }

    @Test
    void cpuPerRequestIsTheMeasuredCpuTimeOverTheCompletedRequests() {
        Wrk.Outcome outcome = Wrk.parse(OUTPUT).withCpu(java.time.Duration.ofSeconds(58));

        assertThat(outcome.cpuMicrosPerRequest()).isCloseTo(58e6 / 387456, within(1e-6));
    }

    @Test
    void addsUpNon2xxResponsesAndSocketErrors() {
        assertThat(Wrk.parse(OUTPUT).errors()).isEqualTo(16);
    }
}
