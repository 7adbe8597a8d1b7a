package io.servelink.local;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.contracts.events.projects.ProjectStatus;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.contracts.events.teams.TeamMember;
import io.servelink.contracts.security.TeamRole;
import io.servelink.infra.KafkaBroker;
import io.servelink.infra.KafkaBrokers;
import io.servelink.infra.PostgresServer;
import io.servelink.infra.PostgresServers;
import io.servelink.infra.process.DemoUpstream;
import io.servelink.infra.process.LocalIdentityProvider;
import io.servelink.infra.process.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Starts the whole suite on one machine with embedded defaults: an embedded PostgreSQL (one database per
 * service), a real KRaft Kafka broker in this JVM, the identity provider (deploy/identity-provider) and then the
 * gateway and the four services as child processes in the {@code local} profile (payment-service with its simulated
 * provider), which verify the provider's tokens through its JWKS URI, a demo upstream, and demo data: team
 * {@code demo} (an owner, an admin and a member) with project {@code hello} at Host {@code hello.apps.localhost}. Ctrl+C stops everything.
 *
 * <p>Arguments: {@code --root=<repository root>} (default: the working directory); {@code --test-tokens} for the
 * browser end-to-end tests only: the services verify HS256 tokens of a test secret instead, which the gateway's
 * {@code /dev/token} mints for any team and role.
 */
public final class LocalStack {

    /** HS256 secret of {@code --test-tokens} only: the gateway's /dev/token signs with it, every service checks it. */
    static final String TEST_TOKENS_SECRET = "servelink-end-to-end-tests-only-hs256-secret-0123456789";
    static final int IDENTITY_PROVIDER = LocalIdentityProvider.PORT;
    static final int GATEWAY = 8080;
    static final int USAGE = 8081;
    static final int PAYMENT = 8082;
    static final int RESOURCES = 8083;
    static final int SUPPORT = 8084;
    static final int DEMO_UPSTREAM = 8090;

    private LocalStack() {
    }

    public static void main(String[] args) {
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        try {
            run(args);
        } catch (Exception e) {
            System.err.println("The local stack could not start: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path root = Path.of(argument(args, "--root", System.getProperty("user.dir"))).toAbsolutePath().normalize();
        Path logs = Files.createDirectories(root.resolve(".local-stack/logs"));
        Path storage = demoStorage(root.resolve(".local-stack/storage"));
        boolean testTokens = List.of(args).contains("--test-tokens");
        requireFreePorts(IDENTITY_PROVIDER, GATEWAY, USAGE, PAYMENT, RESOURCES, SUPPORT, DEMO_UPSTREAM);

        long started = System.nanoTime();
        say("Starting embedded PostgreSQL and Kafka ...");
        PostgresServer postgres = PostgresServers.embedded(null);
        for (String database : List.of("usage", "payment", "resources", "support")) {
            postgres.createDatabase(database);
        }
        KafkaBroker kafka = KafkaBrokers.inJvm(0);
        DemoUpstream upstream = new DemoUpstream(DEMO_UPSTREAM);
        say("PostgreSQL on 127.0.0.1:" + postgres.port() + ", Kafka on " + kafka.bootstrapServers()
                + ", demo upstream on http://127.0.0.1:" + upstream.port());

        List<ServiceProcess> services = services(root, logs, storage, postgres, kafka, testTokens);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(services, upstream, stopped)));

        Path javaHome = Path.of(System.getProperty("java.home"));
        for (ServiceProcess service : services) {
            service.start(javaHome);
        }
        say("Started " + services.size() + " services; waiting until they are ready (logs in " + logs + ") ...");
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofMinutes(3));
            say("  " + service.name() + " ready on http://localhost:" + service.port());
        }

        seedDemoData(kafka);
        sendDemoTraffic();
        measureStorage(testTokens);
        printWelcome(services, Duration.ofNanos(System.nanoTime() - started), testTokens);
        stopped.await();
    }

    private static List<ServiceProcess> services(Path root, Path logs, Path storage, PostgresServer postgres, KafkaBroker kafka,
                                                 boolean testTokens) {
        List<String> common = new ArrayList<>(List.of(
                "--spring.profiles.active=" + (testTokens ? "local,test-tokens" : "local"),
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--servelink.kafka.provision-topics=true"));
        common.addAll(testTokens ? List.of("--servelink.security.hmac-secret=" + TEST_TOKENS_SECRET)
                : LocalIdentityProvider.verifierArguments(IDENTITY_PROVIDER));
        List<ServiceProcess> services = new ArrayList<>();
        // first, so that it is ready (and its key set published) before the services take their first tokens
        services.add(LocalIdentityProvider.process(root, IDENTITY_PROVIDER, logs));
        services.add(new ServiceProcess("usage-service", USAGE, jar(root, "usage-service"),
                withDatabase(common, postgres, "usage", "--servelink.usage.storage.probe=directory",
                        "--servelink.usage.storage.directory.root=" + storage), logs));
        services.add(new ServiceProcess("payment-service", PAYMENT, jar(root, "payment-service"),
                withDatabase(common, postgres, "payment", "--servelink.payment.resources-url=http://localhost:" + RESOURCES,
                        "--servelink.payment.public-url=http://localhost:" + GATEWAY), logs));
        List<String> resources = new ArrayList<>(List.of("--servelink.resources.payment-url=http://localhost:" + PAYMENT));
        if (!testTokens) {
            resources.addAll(LocalIdentityProvider.resourcesServiceTokenArguments(IDENTITY_PROVIDER));
        }
        services.add(new ServiceProcess("resources-service", RESOURCES, jar(root, "resources-service"),
                withDatabase(common, postgres, "resources", resources.toArray(String[]::new)), logs));
        services.add(new ServiceProcess("support-service", SUPPORT, jar(root, "support-service"),
                withDatabase(common, postgres, "support"), logs));
        List<String> gateway = new ArrayList<>(common);
        gateway.addAll(List.of("--servelink.gateway.services.usage=http://localhost:" + USAGE,
                "--servelink.gateway.services.payment=http://localhost:" + PAYMENT,
                "--servelink.gateway.services.resources=http://localhost:" + RESOURCES,
                "--servelink.gateway.services.support=http://localhost:" + SUPPORT));
        services.add(new ServiceProcess("gateway", GATEWAY, jar(root, "gateway"), gateway, logs));
        return services;
    }

    private static List<String> withDatabase(List<String> common, PostgresServer postgres, String database, String... extra) {
        List<String> arguments = new ArrayList<>(common);
        arguments.addAll(ServiceProcess.databaseArguments(postgres, database));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    private static Path jar(Path root, String module) {
        return root.resolve(module).resolve("target").resolve(module + ".jar");
    }

    /**
     * Team demo with an owner, an admin and a member (the identity provider's demo users' addresses, so the demo team's
     * usage alerts have recipients), and its project hello, served by the demo upstream at hello.apps.localhost.
     */
    private static void seedDemoData(KafkaBroker kafka) throws Exception {
        TeamChanged demo = new TeamChanged("demo", "Demo", List.of(
                new TeamMember("demo-owner@servelink.local", TeamRole.OWNER, "en"),
                new TeamMember("demo-admin@servelink.local", TeamRole.ADMIN, "fr"),
                new TeamMember("demo-member@servelink.local", TeamRole.MEMBER, "en")), Instant.now().toEpochMilli());
        ProjectChanged hello = new ProjectChanged("hello", "demo", List.of("hello.apps.localhost"),
                URI.create("http://127.0.0.1:" + DEMO_UPSTREAM), ProjectStatus.ACTIVE);
        TopicNames topics = new TopicNames("");
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topics.teams(), "demo", codec.encode(EventEnvelope.of(demo, Instant.now()))))
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topics.projects(), "hello", codec.encode(EventEnvelope.of(hello, Instant.now()))))
                    .get(30, TimeUnit.SECONDS);
        }
        say("Demo data: team 'demo' (owner demo-owner@, admin demo-admin@ in French, member demo-member@, all "
                + "@servelink.local), project 'hello' at Host hello.apps.localhost");
    }

    /**
     * The data directories the directory storage probe measures ({@code <root>/<project id>}): project hello gets a
     * site and some uploads the first time, about 3.5 MB, kept across runs (files written there stay).
     */
    private static Path demoStorage(Path root) throws IOException {
        Path hello = root.resolve("hello");
        if (!Files.isDirectory(hello)) {
            Path site = Files.createDirectories(hello.resolve("site"));
            Files.writeString(site.resolve("index.html"), "<!doctype html><title>hello</title><h1>Hello from Servelink</h1>\n");
            Path uploads = Files.createDirectories(hello.resolve("uploads"));
            Random random = new Random(42);
            for (int i = 1; i <= 3; i++) {
                byte[] photo = new byte[1_000_000 + 250_000 * i];
                random.nextBytes(photo);
                Files.write(uploads.resolve("photo-" + i + ".jpg"), photo);
            }
        }
        return root;
    }

    /** Runs the storage job once, as an operator, so the dashboard shows project hello's storage from the start. */
    private static void measureStorage(boolean testTokens) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        try {
            String operator;
            if (testTokens) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY + "/dev/token?roles=operator"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
                if (!token.find()) {
                    say("Storage not measured yet: no operator token from /dev/token (" + body + ")");
                    return;
                }
                operator = token.group(1);
            } else {
                operator = new LocalIdentityProvider(URI.create("http://127.0.0.1:" + IDENTITY_PROVIDER)).operatorToken();
            }
            HttpResponse<String> run = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + USAGE + "/api/usage/admin/jobs/storage-measurement"))
                    .header("Authorization", "Bearer " + operator).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            say("Storage measured from .local-stack/storage (" + run.statusCode() + "): " + run.body());
        } catch (IOException | RuntimeException e) {
            say("Storage not measured yet (" + e + "); see .local-stack/logs/usage-service.log");
        }
    }

    /** A little traffic through the gateway so the demo team's usage is not empty. */
    private static void sendDemoTraffic() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY + "/bytes?n=250000"))
                .header("Host", "hello.apps.localhost").timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int served = 0;
        while (served < 4 && System.nanoTime() < deadline) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    served++;
                    continue;
                }
            } catch (IOException e) {
                // the gateway may not know the project yet
            }
            Thread.sleep(500);
        }
        say(served == 4 ? "Demo traffic: 1 MB sent through the gateway to hello.apps.localhost"
                : "Demo traffic could not be sent yet; see .local-stack/logs/gateway.log");
    }

    private static void printWelcome(List<ServiceProcess> services, Duration took, boolean testTokens) {
        String gateway = "http://localhost:" + GATEWAY;
        StringBuilder text = new StringBuilder("\nServelink is running (started in " + took.toSeconds() + " s). Ctrl+C stops it.\n\n");
        text.append("  Gateway (API and project ingress)  ").append(gateway).append('\n');
        text.append("  Demo project                       http://hello.apps.localhost:").append(GATEWAY).append("/   (or curl -H 'Host: hello.apps.localhost' ").append(gateway).append("/)\n");
        String idp = "http://localhost:" + IDENTITY_PROVIDER;
        text.append("  Identity provider (OpenID Connect) ").append(idp).append("/.well-known/openid-configuration\n");
        text.append("  Demo users (password ").append(LocalIdentityProvider.DEMO_PASSWORD)
                .append(")  demo-owner, demo-admin, demo-member, other-member, support-agent, operator\n");
        for (ServiceProcess service : services) {
            if (!service.name().equals("gateway") && !service.name().equals("identity-provider")) {
                text.append(String.format("  %-34s http://localhost:%d/swagger-ui.html%n", service.name() + " API docs", service.port()));
            }
        }
        text.append("  Project hello's stored data        .local-stack/storage/hello (the storage job measures it: write a file\n")
                .append("                                     there, then run the job as an operator, see below)\n");
        text.append("\nTry (a demo user's token through the device flow, an operator's through client credentials):\n");
        text.append("  TOKEN=$(deploy/identity-provider/token.sh demo-owner)\n");
        text.append("  curl -s -H \"Authorization: Bearer $TOKEN\" ").append(gateway).append("/api/usage/demo\n");
        text.append("  OPERATOR=$(curl -s -u ").append(LocalIdentityProvider.OPERATOR_CLIENT).append(':')
                .append(LocalIdentityProvider.OPERATOR_SECRET).append(" -d grant_type=client_credentials ").append(idp)
                .append("/oauth2/token | sed 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/')\n");
        text.append("  curl -s -H \"Authorization: Bearer $OPERATOR\" ").append(gateway).append("/api/admin/projects\n");
        text.append("  head -c 5000000 /dev/urandom > .local-stack/storage/hello/uploads/video.bin\n");
        text.append("  curl -s -X POST -H \"Authorization: Bearer $OPERATOR\" http://localhost:").append(USAGE)
                .append("/api/usage/admin/jobs/storage-measurement\n");
        if (testTokens) {
            text.append("\nTest tokens (--test-tokens): the services accept HS256 tokens from ").append(gateway)
                    .append("/dev/token?team=demo&role=owner, not the identity provider's.\n");
        }
        say(text.toString());
    }

    private static void stopAll(List<ServiceProcess> services, DemoUpstream upstream, CountDownLatch stopped) {
        say("Stopping ...");
        services.forEach(ServiceProcess::stop);
        for (ServiceProcess service : services) {
            try {
                service.awaitStopped(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        upstream.close();
        stopped.countDown();
    }

    private static void requireFreePorts(int... ports) {
        for (int port : ports) {
            try (ServerSocket ignored = new ServerSocket(port)) {
                // free
            } catch (IOException e) {
                throw new IllegalStateException("Port " + port + " is in use; stop what runs there (an earlier local stack?)");
            }
        }
    }

    private static String argument(String[] args, String name, String fallback) {
        for (String arg : args) {
            if (arg.startsWith(name + "=")) {
                return arg.substring(name.length() + 1);
            }
        }
        return fallback;
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
