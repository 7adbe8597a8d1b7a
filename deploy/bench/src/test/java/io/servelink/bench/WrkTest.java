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
    void roundsPoolIntoMeanThroughputCpuOverAllRequestsAndTheMedianRunsPercentiles() {
        Wrk.Outcome slow = new Wrk.Outcome(8_000, 40_000, 3.0, 30.0, 1, 150);
        Wrk.Outcome fast = new Wrk.Outcome(10_000, 50_000, 2.0, 10.0, 0, 120);
        Wrk.Outcome middle = new Wrk.Outcome(9_000, 45_000, 2.5, 20.0, 2, 130);

        Wrk.Outcome pooled = Wrk.Outcome.pooled(java.util.List.of(slow, fast, middle));

        assertThat(pooled.requestsPerSecond()).isCloseTo(9_000, within(1e-9));
        assertThat(pooled.requests()).isEqualTo(135_000);
        assertThat(pooled.cpuMicrosPerRequest()).isCloseTo((40_000 * 150 + 50_000 * 120 + 45_000 * 130) / 135_000.0, within(1e-9));
        assertThat(pooled.p50Millis()).isEqualTo(2.5);
        assertThat(pooled.p99Millis()).isEqualTo(20.0);
        assertThat(pooled.errors()).isEqualTo(3);
    }

    @Test
    void addsUpNon2xxResponsesAndSocketErrors() {
        assertThat(Wrk.parse(OUTPUT).errors()).isEqualTo(16);
    }
}
