package io.servelink.usage.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limit checks after usage changes ({@code servelink.usage.limits.*}).
 *
 * @param checkWindow changes arriving within this window are checked together, in one round
 */
@ConfigurationProperties("servelink.usage.limits")
record LimitsSettings(@DefaultValue("500ms") Duration checkWindow) {
}
