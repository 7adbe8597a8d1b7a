package io.servelink.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's package) with keep-alive connections and reads throughput and latency percentiles. */
final class Wrk {

    /** {@code requests}: completed in the run; {@code cpuMicrosPerRequest}: of the measured process, when one is. */
    record Outcome(double requestsPerSecond, long requests, double p50Millis, double p99Millis, long errors, double cpuMicrosPerRequest) {

        Outcome withCpu(java.time.Duration cpu) {
            return new Outcome(requestsPerSecond, requests, p50Millis, p99Millis, errors, cpu.toNanos() / 1000.0 / Math.max(1, requests));
        }

        /**
         * Runs of equal length as one: their mean throughput, all requests and errors, CPU per request over all of
         * them, and the median run's p50 and p99 (wrk prints percentiles, not the latencies they come from).
         */
        static Outcome pooled(List<Outcome> runs) {
            double cpuMicros = runs.stream().mapToDouble(run -> run.cpuMicrosPerRequest() * run.requests()).sum();
            long requests = runs.stream().mapToLong(Outcome::requests).sum();
            return new Outcome(runs.stream().mapToDouble(Outcome::requestsPerSecond).average().orElse(Double.NaN), requests,
                    median(runs.stream().mapToDouble(Outcome::p50Millis)), median(runs.stream().mapToDouble(Outcome::p99Millis)),
                    runs.stream().mapToLong(Outcome::errors).sum(), cpuMicros / Math.max(1, requests));
        }

        private static double median(java.util.stream.DoubleStream values) {
            double[] sorted = values.sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    static Outcome run(String url, String host, int connections, int seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency"));
        if (host != null) {
            command.addAll(List.of("-H", "Host: " + host));
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        return parse(output);
    }

    static Outcome parse(String output) {
        Matcher rps = RPS.matcher(output);
        if (!rps.find()) {
            throw new IllegalStateException("No Requests/sec in wrk output: " + output);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double millis = toMillis(Double.parseDouble(percentile.group(2)), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        long errors = 0;
        Matcher error = ERRORS.matcher(output);
        while (error.find()) {
            for (int g = 1; g <= error.groupCount(); g++) {
                if (error.group(g) != null) {
                    errors += Long.parseLong(error.group(g));
                }
            }
        }
        Matcher requests = REQUESTS.matcher(output);
        return new Outcome(Double.parseDouble(rps.group(1)), requests.find() ? Long.parseLong(requests.group(1)) : 0, p50, p99, errors,
                Double.NaN);
    }

    private static double toMillis(double value, String unit) {
        return switch (unit) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
