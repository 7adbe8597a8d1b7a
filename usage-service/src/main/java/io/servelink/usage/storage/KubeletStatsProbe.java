package io.servelink.usage.storage;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.servelink.starter.client.PeerClient;
import io.servelink.starter.client.PeerClients;
import io.servelink.starter.client.PeerRejected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Disk use per project on Kubernetes, from every node's kubelet stats summary read through the API server's node
 * proxy ({@code GET /api/v1/nodes}, then {@code GET /api/v1/nodes/{node}/proxy/stats/summary} for each), with the
 * service account's bearer token and the cluster's CA. A project owns what runs in its namespace
 * ({@code <namespace-prefix><project id>}) or carries its label ({@code servelink.project=<id>}, on the pod or the
 * claim, read from {@code GET /api/v1/pods} and {@code GET /api/v1/persistentvolumeclaims} with a label selector).
 * <p>
 * Volume bytes are the {@code usedBytes} of the project's PersistentVolumeClaims, each claim counted once however many
 * pods on however many nodes mount it (a claim outside a project namespace and without the label is the project's
 * of the pod that mounts it). Container bytes are its pods' {@code ephemeral-storage.usedBytes} (writable layers, logs,
 * emptyDir). Images are not counted: they live in each node's shared image store, not billed per project.
 * <p>
 * A node whose summary cannot be read makes the snapshot partial ({@code complete=false}, the problem names the node);
 * when the API server refuses or fails a listing, lists no node, or no node's summary can be read, the run fails. One
 * client for this peer: the {@link PeerClient} {@code kubelet} (reads, so retried).
 */
final class KubeletStatsProbe implements StorageProbe {

    static final String INSTANCE = "kubelet";

    private final PeerClient api;
    private final StorageSettings.Kubelet settings;

    KubeletStatsProbe(StorageSettings.Kubelet settings, PeerClients peers) {
        this.settings = settings;
        SslContext tls = settings.caFile().isBlank() ? null : trusting(Path.of(settings.caFile()));
        this.api = peers.peer(INSTANCE, settings.apiServer().toString().replaceAll("/+$", ""))
                .timeouts(settings.connectTimeout(), settings.responseTimeout())
                .transport(http -> tls == null ? http : http.secure(spec -> spec.sslContext(tls)))
                .web(web -> web.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024)))
                .build();
    }

    private static SslContext trusting(Path caFile) {
        if (!Files.isReadable(caFile)) {
            throw new IllegalStateException("servelink.usage.storage.kubelet.ca-file: cannot read the cluster CA " + caFile
                    + " (in a pod it is the service account's ca.crt; empty trusts the JVM's CAs)");
        }
        try {
            return SslContextBuilder.forClient().trustManager(caFile.toFile()).build();
        } catch (Exception e) {
            throw new IllegalStateException("servelink.usage.storage.kubelet.ca-file: " + caFile + " holds no usable PEM certificate", e);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ObjectList(List<KubeObject> items) {

        ObjectList {
            items = items == null ? List.of() : items;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record KubeObject(Metadata metadata) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Metadata(String name, String namespace, Map<String, String> labels) {
    }

    /** The parts of a kubelet's {@code /stats/summary} read here (the kubelet's field names). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Summary(List<Pod> pods) {

        Summary {
            pods = pods == null ? List.of() : pods;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Pod(PodRef podRef, List<PodVolume> volume, @JsonProperty("ephemeral-storage") FsStats ephemeralStorage) {

        Pod {
            volume = volume == null ? List.of() : volume;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodRef(String name, String namespace) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PodVolume(String name, Long usedBytes, PvcRef pvcRef) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PvcRef(String name, String namespace) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FsStats(Long usedBytes) {
    }

    /** One node's summary, or why it could not be read. */
    record NodeRead(String node, Summary summary, Throwable failure) {
    }

    /** Which project each labelled pod and claim belongs to, by {@code namespace/name}. */
    record Owners(Map<String, String> pods, Map<String, String> claims) {
    }

    @Override
    public String source() {
        return "kubelet";
    }

    @Override
    public Mono<StorageSnapshot> measure() {
        return token().flatMap(this::measure);
    }

    private Mono<StorageSnapshot> measure(String token) {
        Mono<Owners> owners = Mono.zip(labelled("pods", token), labelled("persistentvolumeclaims", token), Owners::new);
        return Mono.zip(nodes(token), owners)
                .flatMap(listed -> Flux.fromIterable(listed.getT1())
                        .flatMapSequential(node -> summary(node, token), settings.nodeConcurrency())
                        .collectList()
                        .flatMap(reads -> snapshot(reads, listed.getT2())));
    }

    private Mono<List<String>> nodes(String token) {
        return list("/api/v1/nodes", token)
                .map(nodes -> nodes.items().stream().map(node -> node.metadata().name()).toList())
                .flatMap(names -> names.isEmpty()
                        ? Mono.error(new IllegalStateException("the API server listed no nodes"))
                        : Mono.just(names));
    }

    /** {@code namespace/name} → project of the objects of {@code resource} that carry the project label, in all namespaces. */
    private Mono<Map<String, String>> labelled(String resource, String token) {
        return list("/api/v1/" + resource + "?labelSelector=" + settings.label(), token).map(objects -> {
            Map<String, String> owners = new HashMap<>();
            for (KubeObject object : objects.items()) {
                String project = object.metadata().labels() == null ? null : object.metadata().labels().get(settings.label());
                if (project != null && !project.isBlank()) {
                    owners.put(object.metadata().namespace() + "/" + object.metadata().name(), project);
                }
            }
            return owners;
        });
    }

    private Mono<ObjectList> list(String path, String token) {
        return api.idempotent(api.web().get().uri(path)
                        .headers(bearer(token))
                        .retrieve()
                        .onStatus(HttpStatusCode::isError, api::problem)
                        .bodyToMono(ObjectList.class))
                .onErrorMap(PeerRejected.class, refused -> refusal(path, refused));
    }

    private Mono<NodeRead> summary(String node, String token) {
        return api.idempotent(api.web().get().uri("/api/v1/nodes/{node}/proxy/stats/summary", node)
                        .headers(bearer(token))
                        .retrieve()
                        .onStatus(HttpStatusCode::isError, api::problem)
                        .bodyToMono(Summary.class))
                .map(summary -> new NodeRead(node, summary, null))
                .onErrorResume(failure -> Mono.just(new NodeRead(node, null, failure)));
    }

    private Mono<StorageSnapshot> snapshot(List<NodeRead> reads, Owners owners) {
        List<String> problems = new ArrayList<>();
        List<Summary> summaries = new ArrayList<>();
        for (NodeRead read : reads) {
            if (read.failure() == null) {
                summaries.add(read.summary());
            } else {
                problems.add("node " + read.node() + ": " + describe(read.failure()));
            }
        }
        if (summaries.isEmpty()) {
            return Mono.error(new IllegalStateException("no node's stats summary could be read: " + String.join("; ", problems)));
        }
        return Mono.just(new StorageSnapshot(perProject(summaries, owners, settings.namespacePrefix()), problems.isEmpty(), problems));
    }

    static Map<String, ProjectStorage> perProject(List<Summary> summaries, Owners owners, String namespacePrefix) {
        Function<String, String> byNamespace = namespace ->
                namespace != null && namespace.startsWith(namespacePrefix) && namespace.length() > namespacePrefix.length()
                        ? namespace.substring(namespacePrefix.length()) : null;
        Map<String, Long> volumes = new HashMap<>();
        Map<String, Long> ephemeral = new HashMap<>();
        Set<String> claimsSeen = new HashSet<>();
        for (Summary summary : summaries) {
            for (Pod pod : summary.pods()) {
                if (pod.podRef() == null) {
                    continue;
                }
                String podKey = pod.podRef().namespace() + "/" + pod.podRef().name();
                String podProject = firstNonNull(byNamespace.apply(pod.podRef().namespace()), owners.pods().get(podKey));
                if (podProject != null && pod.ephemeralStorage() != null) {
                    ephemeral.merge(podProject, bytes(pod.ephemeralStorage().usedBytes()), Math::addExact);
                }
                for (PodVolume volume : pod.volume()) {
                    PvcRef claim = volume.pvcRef();
                    if (claim == null) {
                        continue;
                    }
                    String claimKey = claim.namespace() + "/" + claim.name();
                    String project = firstNonNull(byNamespace.apply(claim.namespace()), owners.claims().get(claimKey), podProject);
                    if (project != null && claimsSeen.add(claimKey)) {
                        volumes.merge(project, bytes(volume.usedBytes()), Math::addExact);
                    }
                }
            }
        }
        Set<String> projects = new HashSet<>(volumes.keySet());
        projects.addAll(ephemeral.keySet());
        Map<String, ProjectStorage> result = new HashMap<>();
        for (String project : projects) {
            result.put(project, new ProjectStorage(volumes.getOrDefault(project, 0L), 0, ephemeral.getOrDefault(project, 0L)));
        }
        return result;
    }

    private static String firstNonNull(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    private static long bytes(Long used) {
        return used == null ? 0 : Math.max(0, used);
    }

    private static IllegalStateException refusal(String path, PeerRejected refused) {
        String hint = refused.getStatusCode().value() == HttpStatus.FORBIDDEN.value() || refused.getStatusCode().value() == 401
                ? " (the service account needs RBAC: list nodes, pods and persistentvolumeclaims, get nodes/proxy)" : "";
        return new IllegalStateException("the API server refused GET " + path + " with " + refused.getStatusCode().value() + hint,
                refused);
    }

    private static String describe(Throwable failure) {
        if (failure instanceof PeerRejected refused) {
            return "refused with " + refused.getStatusCode().value();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> {
            if (!token.isEmpty()) {
                headers.setBearerAuth(token);
            }
        };
    }

    /** The service account's token, read at every run: projected tokens are rotated. */
    private Mono<String> token() {
        if (settings.tokenFile().isBlank()) {
            return Mono.just("");
        }
        return Mono.fromCallable(() -> Files.readString(Path.of(settings.tokenFile())).strip())
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> new IllegalStateException("cannot read the service account token "
                        + settings.tokenFile() + " (servelink.usage.storage.kubelet.token-file)", e));
    }
}
