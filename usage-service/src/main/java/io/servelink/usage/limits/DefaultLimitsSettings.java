package io.servelink.usage.limits;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The limits of a team usage-service has no entitlements snapshot for: resources-service's Free plan
 * (10 GB traffic a month, 1 GB storage; traffic stops at 100 %, the policy of every plan but Pro). Plain
 * byte counts on purpose: Spring's DataSize reads "10GB" as 10 * 2^30, while every limit here is decimal
 * (1 GB = 10^9 bytes).
 */
@Validated
@ConfigurationProperties("servelink.usage.default-limits")
record DefaultLimitsSettings(@DefaultValue("free") @NotBlank String plan,
                     @DefaultValue("10000000000") @PositiveOrZero long trafficBytesPerMonth,
                     @DefaultValue("1000000000") @PositiveOrZero long storageBytes) {

    TeamLimits of(String teamSlug) {
        return new TeamLimits(teamSlug, plan, trafficBytesPerMonth, storageBytes, 0, true);
    }
}
