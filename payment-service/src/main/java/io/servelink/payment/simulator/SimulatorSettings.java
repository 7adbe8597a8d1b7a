package io.servelink.payment.simulator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The simulated provider of the local profile ({@code servelink.payment.simulator.*}).
 *
 * @param completionDelay how long after its creation a Mobile Money payment completes (or fails)
 */
@ConfigurationProperties("servelink.payment.simulator")
record SimulatorSettings(@DefaultValue("3s") Duration completionDelay) {
}
