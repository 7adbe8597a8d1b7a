package io.servelink.deploy.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GrafanaDashboardTest {

    private static final Pattern SERVELINK_METRIC = Pattern.compile("servelink_[a-z0-9_]+");
    private static final Pattern METER_NAME = Pattern.compile("\"(servelink\\.[a-z0-9.]+)\"");

    @Test
    void dashboardQueriesTheBusinessMetricsThroughThePrometheusDatasourceVariable() throws Exception {
        List<String> expressions = expressions();
        assertThat(String.join("\n", expressions)).contains(
                "servelink_gateway_metered_bytes_total", "servelink_gateway_traffic_events_dropped_total",
                "kafka_consumer_fetch_manager_records_lag_max", "servelink_payments_total",
                "servelink_payment_webhooks_total", "servelink_usage_alerts_published_total",
                "servelink_support_sla_breaches_total", "servelink_outbox_pending");
    }

    @Test
    void everyServelinkMetricOnTheDashboardIsRegisteredBySomeService() throws Exception {
        Set<String> meters = meterNamesInSources();
        Set<String> missing = new TreeSet<>();
        for (String expression : expressions()) {
            Matcher metric = SERVELINK_METRIC.matcher(expression);
            while (metric.find()) {
                String prometheus = metric.group().replaceAll("_(total|seconds|bucket|count|sum|max)$", "");
                if (meters.stream().noneMatch(meter -> meter.replace('.', '_').equals(prometheus))) {
                    missing.add(metric.group());
                }
            }
        }
        assertThat(missing).as("dashboard metrics no service registers").isEmpty();
    }

    private static List<String> expressions() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Repository.ROOT.resolve("deploy/grafana/servelink-dashboard.json").toFile());
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        assertThat(dashboard.findValues("id").stream().map(JsonNode::asInt)).doesNotHaveDuplicates();
        return expressions;
    }

    /** Meter names written as string literals in the main sources of every module. */
    private static Set<String> meterNamesInSources() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repository.ROOT)) {
            files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/"))
                    .forEach(file -> {
                        try {
                            Matcher name = METER_NAME.matcher(Files.readString(file));
                            while (name.find()) {
                                names.add(name.group(1));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        return names;
    }
}
