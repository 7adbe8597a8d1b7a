package io.servelink.usage.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.servelink.starter.client.PeerClients;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kubelet probe against WireMock as the Kubernetes API server, answering recorded kubelet summaries of two nodes
 * through the node proxy. Node a runs shop's web pod (claim shop-data), blog's pod (blog-db), coredns and a pod of
 * project legacy outside project namespaces, labelled (with the labelled claim legacy-files); node b runs shop's worker
 * (shop-data again, being ReadWriteMany, and shop-cache), legacy's worker (unlabelled claim legacy-scratch) and
 * prometheus (not a project's).
 */
class KubeletStatsProbeIT {

    private static WireMockServer API;
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.service-account";
    private static final String SUMMARY = "/api/v1/nodes/%s/proxy/stats/summary";

    @TempDir
    static Path dir;
    static Path tokenFile;
    static Path clusterCa;

    /** WireMock serves HTTPS too, with a certificate for localhost made here: its own CA, as a cluster's API server has. */
    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("api-server.p12");
        clusterCa = dir.resolve("ca.crt");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(keytool, "-genkeypair", "-alias", "api-server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=kube-apiserver", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool(keytool, "-exportcert", "-rfc", "-alias", "api-server", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", clusterCa.toString());
        API = new WireMockServer(WireMockConfiguration.options().dynamicPort().dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword("changeit").keyManagerPassword("changeit"));
        API.start();
        tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterAll
    static void stop() {
        API.stop();
    }

    @BeforeEach
    void recordedCluster() throws IOException {
        API.resetAll();
        stub("/api/v1/nodes", recorded("nodes.json"));
        stub("/api/v1/pods?labelSelector=servelink.project", recorded("labelled-pods.json"));
        stub("/api/v1/persistentvolumeclaims?labelSelector=servelink.project", recorded("labelled-claims.json"));
        stub(SUMMARY.formatted("node-a"), recorded("node-a-summary.json"));
        stub(SUMMARY.formatted("node-b"), recorded("node-b-summary.json"));
    }

    @Test
    void countsEachClaimOnceAndPodsEphemeralStorageAcrossAllNodes() {
        StorageSnapshot snapshot = probe().measure().block(Duration.ofSeconds(30));

        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.problems()).isEmpty();
        assertThat(snapshot.projects()).containsOnlyKeys("shop", "blog", "legacy");
        assertThat(snapshot.projects().get("shop")).isEqualTo(new ProjectStorage(1_250_000_000L + 64_000_000L, 0, 48_300_000L + 12_500_000L));
        assertThat(snapshot.projects().get("blog")).isEqualTo(new ProjectStorage(310_000_000L, 0, 5_200_000L));
        assertThat(snapshot.projects().get("legacy")).isEqualTo(new ProjectStorage(90_000_000L + 3_000_000L, 0, 7_000_000L + 2_000_000L));
        API.verify(getRequestedFor(urlEqualTo(SUMMARY.formatted("node-b"))).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void answersWhatTheOtherNodesHoldAndNamesTheNodeWhenOneNodeFails() {
        API.stubFor(get(urlEqualTo(SUMMARY.formatted("node-b"))).willReturn(aResponse().withStatus(503)
                .withBody("Error trying to reach service: dial tcp 10.0.0.11:10250: connect: connection refused")));

        StorageSnapshot snapshot = probe().measure().block(Duration.ofSeconds(30));

        assertThat(snapshot.complete()).isFalse();
        assertThat(snapshot.problems()).singleElement().asString().startsWith("node node-b:").contains("503");
        assertThat(snapshot.projects().get("shop")).isEqualTo(new ProjectStorage(1_250_000_000L, 0, 48_300_000L));
        assertThat(snapshot.projects().get("blog")).isEqualTo(new ProjectStorage(310_000_000L, 0, 5_200_000L));
        assertThat(snapshot.projects().get("legacy")).isEqualTo(new ProjectStorage(90_000_000L, 0, 7_000_000L));
    }

    @Test
    void failsWhenNoNodesSummaryCanBeRead() {
        API.stubFor(get(urlEqualTo(SUMMARY.formatted("node-a"))).willReturn(aResponse().withStatus(500)));
        API.stubFor(get(urlEqualTo(SUMMARY.formatted("node-b"))).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> probe().measure().block(Duration.ofSeconds(30)))
                .hasMessageContaining("no node's stats summary could be read")
                .hasMessageContaining("node node-a").hasMessageContaining("node node-b");
    }

    @Test
    void failsNamingTheMissingPermissionsWhenTheApiServerRefusesToListNodes() throws IOException {
        API.stubFor(get(urlEqualTo("/api/v1/nodes")).willReturn(json(recorded("forbidden-nodes.json")).withStatus(403)));

        assertThatThrownBy(() -> probe().measure().block(Duration.ofSeconds(30)))
                .hasMessageContaining("refused GET /api/v1/nodes with 403")
                .hasMessageContaining("RBAC");
        API.verify(0, getRequestedFor(urlEqualTo(SUMMARY.formatted("node-a"))));
    }

    @Test
    void failsRatherThanMeasuringNothingWhenTheClusterListsNoNodes() {
        stub("/api/v1/nodes", "{\"kind\":\"NodeList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}");

        assertThatThrownBy(() -> probe().measure().block(Duration.ofSeconds(30))).hasMessageContaining("listed no nodes");
    }

    @Test
    void readsTheApiServerOverTlsTrustingOnlyTheClusterCa() {
        StorageSnapshot snapshot = probe(URI.create("https://localhost:" + API.httpsPort()), clusterCa.toString()).measure()
                .block(Duration.ofSeconds(30));

        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.projects()).containsOnlyKeys("shop", "blog", "legacy");
    }

    @Test
    void failsOverTlsWhenTheApiServersCertificateIsNotSignedByTheClusterCa() throws Exception {
        Path otherCa = Files.writeString(dir.resolve("other-ca.crt"), pem(selfSignedElsewhere()));

        assertThatThrownBy(() -> probe(URI.create("https://localhost:" + API.httpsPort()), otherCa.toString()).measure()
                .block(Duration.ofSeconds(30)))
                .hasStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void refusesToStartWithoutTheClusterCaItIsToldToTrust() {
        assertThatThrownBy(() -> probe(dir.resolve("missing-ca.crt").toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("servelink.usage.storage.kubelet.ca-file");
    }

    private static KubeletStatsProbe probe() {
        return probe(URI.create("http://localhost:" + API.port()), "");
    }

    private static KubeletStatsProbe probe(String caFile) {
        return probe(URI.create("http://localhost:" + API.port()), caFile);
    }

    private static KubeletStatsProbe probe(URI apiServer, String caFile) {
        PeerClients peers = new PeerClients(WebClient::builder, JsonMapper.builder().build(), CircuitBreakerRegistry.ofDefaults(),
                TimeLimiterRegistry.ofDefaults(), RetryRegistry.ofDefaults());
        StorageSettings.Kubelet settings = new StorageSettings.Kubelet(apiServer,
                tokenFile.toString(), caFile, "project-", "servelink.project", 4, Duration.ofSeconds(2), Duration.ofSeconds(10));
        return new KubeletStatsProbe(settings, peers);
    }

    private static void keytool(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    /** Some other CA's certificate: one of the JDK's trusted roots, which did not sign the API server's. */
    private static X509Certificate selfSignedElsewhere() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return ((X509TrustManager) factory.getTrustManagers()[0]).getAcceptedIssuers()[0];
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    private static void stub(String url, String body) {
        API.stubFor(get(urlEqualTo(url)).withHeader("Authorization", equalTo("Bearer " + TOKEN)).willReturn(json(body)));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private static String recorded(String name) throws IOException {
        try (var in = KubeletStatsProbeIT.class.getResourceAsStream("/kubelet/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
