package io.servelink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes the results table (Markdown) and a plot of the gateway paths and API latencies (PNG). */
final class Report {

    private Report() {
    }

    static void write(Path directory, List<Result> results, Instant when) throws IOException {
        StringBuilder md = new StringBuilder("# Benchmark results\n\n");
        md.append("Run at ").append(when).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, JDK ").append(System.getProperty("java.version")).append(". Command: `./mvnw -Pbench -DskipTests package`.\n\n");
        md.append("| suite | scenario | metric | value | unit | note |\n|---|---|---|---:|---|---|\n");
        for (Result r : results) {
            md.append("| ").append(r.suite()).append(" | ").append(r.scenario()).append(" | ").append(r.metric()).append(" | ")
                    .append(format(r.value())).append(" | ").append(r.unit()).append(" | ").append(r.note()).append(" |\n");
        }
        Files.writeString(directory.resolve("results.md"), md);
        plot(directory, results);
    }

    private static void plot(Path directory, List<Result> results) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Result r : results) {
            if (r.suite().equals("gateway") && r.metric().equals("throughput")) {
                names.add(r.scenario());
                values.add(r.value());
            }
        }
        if (names.isEmpty()) {
            return;
        }
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(600)
                .title("Gateway throughput by path (wrk, keep-alive)").xAxisTitle("path / response size").yAxisTitle("requests/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.addSeries("requests/s", names, values);
        BitmapEncoder.saveBitmap(chart, directory.resolve("results").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String format(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.3f", value);
    }
}
