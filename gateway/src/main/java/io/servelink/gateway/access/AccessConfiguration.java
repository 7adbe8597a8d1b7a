package io.servelink.gateway.access;

import io.servelink.gateway.ingress.IngressHosts;
import io.servelink.gateway.limits.TeamUsageStates;
import io.servelink.gateway.sleep.ProjectSleepStates;
import io.servelink.gateway.sleep.SleepSettings;
import io.servelink.gateway.sleep.WakeRequests;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The access decision on project hosts; absent when both the traffic limits and the sleeping projects are off
 * ({@code servelink.gateway.limits.enabled}, {@code servelink.gateway.sleep.enabled}), so the proxy path is untouched.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("${servelink.gateway.limits.enabled:true} or ${servelink.gateway.sleep.enabled:true}")
class AccessConfiguration {

    @Bean
    VisitorPages visitorPages(VisitorPagesSettings pages, SleepSettings sleep) {
        return new VisitorPages(pages.dashboardUrl(), sleep.retryAfter());
    }

    @Bean
    ProjectAccessFilter projectAccessFilter(IngressHosts hosts, TeamUsageStates teams, ProjectSleepStates sleep,
            WakeRequests wakeRequests, VisitorPages pages, SleepSettings settings) {
        return new ProjectAccessFilter(hosts, teams, sleep, wakeRequests, pages, settings.hold());
    }
}
