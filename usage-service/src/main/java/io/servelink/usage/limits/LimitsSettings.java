package io.servelink.usage.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limit checks after usage changes ({@code servelink.usage.limits.*}).
 *
 * @param checkWindow          changes arriving within this window are checked together, in one round
 * @param stateRefreshInterval a team's usage state is published again for its byte figures alone (nothing else
 *                             changed) at most once per this interval while they move; a change of what the state
 *                             decides (blocked, storage over, limits, policy, month) is published at once
 */
@ConfigurationProperties("servelink.usage.limits")
record LimitsSettings(@DefaultValue("500ms") Duration checkWindow, @DefaultValue("5m") Duration stateRefreshInterval) {
}
