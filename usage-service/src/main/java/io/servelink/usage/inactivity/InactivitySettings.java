package io.servelink.usage.inactivity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Inactive Free projects ({@code servelink.usage.inactivity.*}).
 *
 * @param after how long a Free project goes without traffic before it is put to sleep
 */
@ConfigurationProperties("servelink.usage.inactivity")
record InactivitySettings(@DefaultValue("5d") Duration after) {
}
