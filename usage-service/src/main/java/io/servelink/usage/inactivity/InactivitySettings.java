package io.servelink.usage.inactivity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sleeping Free projects ({@code servelink.usage.inactivity.*}).
 *
 * @param after          how long a Free project goes without traffic (or a wake) before the 02:00 job puts it to sleep
 * @param scaleDownAfter how long a project has been asleep before the 03:00 job asks the deployer to scale it down
 */
@ConfigurationProperties("servelink.usage.inactivity")
record InactivitySettings(@DefaultValue("5d") Duration after, @DefaultValue("7d") Duration scaleDownAfter) {
}
