package io.servelink.bench;

/** One measured row: which suite and scenario, the figure, its unit, and notes (targets, checks). */
record Result(String suite, String scenario, String metric, double value, String unit, String note) {
}
