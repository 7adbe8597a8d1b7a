package io.servelink.infra.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lints an OpenAPI document with Spectral and the repository's ruleset ({@code deploy/openapi/.spectral.yaml}, the
 * OWASP API Security ruleset). Spectral is installed with npm on first use, from {@code deploy/openapi/package.json}
 * into {@code ~/.cache/servelink/spectral} (or {@code $SERVELINK_SPECTRAL_HOME}); without node and npm on the PATH
 * the lint is {@linkplain #available() unavailable} and the test skips itself saying so.
 */
public final class OpenApiLint {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path repository;
    private final Path home;

    private OpenApiLint(Path repository, Path home) {
        this.repository = repository;
        this.home = home;
    }

    /** The lint of the repository the working directory belongs to. */
    public static OpenApiLint forRepository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/openapi/.spectral.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/openapi/.spectral.yaml above " + Path.of("").toAbsolutePath());
        }
        String configured = System.getenv("SERVELINK_SPECTRAL_HOME");
        Path home = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "servelink", "spectral");
        return new OpenApiLint(dir, home);
    }

    /** Whether node and npm are on the PATH; a test skips when not, with {@link #unavailableReason()}. */
    public boolean available() {
        return runs("node", "--version") && runs("npm", "--version");
    }

    public String unavailableReason() {
        return "OpenAPI lint skipped: node and npm are needed on the PATH to run Spectral (deploy/openapi/package.json)";
    }

    /**
     * Lints {@code document} (JSON) as {@code name}, writing it and Spectral's findings under {@code reportDir}, and
     * returns the findings.
     */
    /**
     * Lints the document a service serves at {@code /v3/api-docs} on {@code port}; the reports go to
     * {@code target/openapi/}.
     */
    public Result lintServedDocument(String service, int port) {
        try {
            java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/v3/api-docs"))
                            .header("Accept", "application/json").timeout(java.time.Duration.ofSeconds(30)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(service + " answered " + answer.statusCode() + " for /v3/api-docs");
            }
            return lint(service, answer.body(), Path.of("target", "openapi"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Result lint(String name, String document, Path reportDir) {
        try {
            reportDir = reportDir.toAbsolutePath();
            Files.createDirectories(reportDir);
            Path doc = reportDir.resolve(name + ".openapi.json");
            Files.writeString(doc, document, StandardCharsets.UTF_8);
            Path spectral = install();
            Path findings = reportDir.resolve(name + ".spectral.json");
            Path text = reportDir.resolve(name + ".spectral.txt");
            // The ruleset extends an npm package, which Spectral resolves beside the ruleset: lint with a copy there.
            Path ruleset = home.resolve(".spectral.yaml");
            Files.copy(repository.resolve("deploy/openapi/.spectral.yaml"), ruleset, StandardCopyOption.REPLACE_EXISTING);
            run(home, List.of(spectral.toString(), "lint", doc.toString(), "--ruleset", ruleset.toString(),
                    "--fail-severity=error", "--format", "json", "--output.json", findings.toString(),
                    "--format", "text", "--output.text", text.toString()), true);
            return Result.of(JSON.readTree(findings.toFile()), Files.readString(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path install() throws IOException {
        Path spectral = home.resolve("node_modules/.bin/spectral");
        Path manifest = home.resolve("package.json");
        byte[] wanted = Files.readAllBytes(repository.resolve("deploy/openapi/package.json"));
        if (Files.isExecutable(spectral) && Files.isRegularFile(manifest)
                && java.util.Arrays.equals(Files.readAllBytes(manifest), wanted)) {
            return spectral;
        }
        Files.createDirectories(home);
        Files.write(manifest, wanted);
        run(home, List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", home.toString()), false);
        return spectral;
    }

    private static boolean runs(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(Path dir, List<String> command, boolean findingsMayFail) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.getFirst() + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // Spectral exits 1 when it found errors (its findings are the result); anything else is a failure to run.
        int code = process.exitValue();
        if (code != 0 && !(findingsMayFail && code == 1)) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + code + ":\n" + output);
        }
    }

    /** Spectral's findings: the number of errors and warnings, and the human-readable listing. */
    public record Result(int errors, int warnings, String listing) {

        static Result of(JsonNode findings, String listing) {
            int errors = 0;
            int warnings = 0;
            for (JsonNode finding : findings) {
                switch (finding.path("severity").asInt()) {
                    case 0 -> errors++;
                    case 1 -> warnings++;
                    default -> { }
                }
            }
            return new Result(errors, warnings, listing);
        }
    }
}
