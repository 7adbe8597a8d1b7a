package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrafanaDashboardTest {

    @Test
    void dashboardQueriesTheBusinessMetricsThroughThePrometheusDatasourceVariable() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Repository.ROOT.resolve("deploy/grafana/servelink-dashboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        assertThat(dashboard.findValues("id").stream().map(JsonNode::asInt)).doesNotHaveDuplicates();
        assertThat(String.join("\n", expressions)).contains(
                "servelink_gateway_bytes_metered_total", "servelink_gateway_traffic_events_dropped_total",
                "kafka_consumer_fetch_manager_records_lag_max", "servelink_payments_total",
                "servelink_payment_webhooks_rejected_total", "servelink_usage_alerts_sent_total",
                "servelink_support_sla_breaches_total");
    }
}
