package io.servelink.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small Kustomize for the features deploy/k8s uses, so overlays can be rendered without the kustomize binary:
 * {@code resources} (files, possibly multi-document, and directories with a kustomization.yaml), {@code namespace},
 * {@code images} (newName, newTag, digest) and {@code patches} given by {@code path} (strategic merge patches
 * targeted by the patch's own kind and name). Any other kustomization field is refused, so an overlay cannot
 * quietly use a feature this renderer would ignore.
 *
 * <p>Strategic merge as Kubernetes does it for the fields patched here: maps merge key by key, a {@code null}
 * value removes a key, lists of containers, init containers, env and volumes merge by {@code name}, container
 * ports by {@code containerPort}, volume mounts by {@code mountPath}, and a list element
 * {@code {name: x, $patch: delete}} removes the element; every other list is replaced.
 */
final class Kustomize {

    static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());

    private static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "images", "patches");
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name",
            "env", "name", "volumes", "name", "volumeMounts", "mountPath");

    private Kustomize() {
    }

    /** The objects an overlay (or base) directory renders to, in resource order. */
    static List<ObjectNode> render(Path directory) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + directory);
        }
        JsonNode kustomization = readDocuments(file).getFirst();
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": kustomization field '" + field + "' is not supported by this renderer");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = directory.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else {
                readDocuments(path).forEach(document -> objects.add(requireObject(document, path)));
            }
        }
        for (JsonNode patch : kustomization.path("patches")) {
            if (patch.size() != 1 || !patch.has("path")) {
                throw new IllegalArgumentException(file + ": only 'patches: - path: <file>' is supported, got " + patch);
            }
            Path path = directory.resolve(patch.get("path").asText());
            readDocuments(path).forEach(document -> applyPatch(objects, requireObject(document, path), path));
        }
        if (kustomization.hasNonNull("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            objects.forEach(object -> ((ObjectNode) object.get("metadata")).put("namespace", namespace));
        }
        for (JsonNode image : kustomization.path("images")) {
            objects.forEach(object -> replaceImages(object, image));
        }
        return objects;
    }

    static List<JsonNode> readDocuments(Path file) {
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            List<JsonNode> documents = new ArrayList<>();
            Iterator<JsonNode> iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static ObjectNode requireObject(JsonNode document, Path source) {
        if (!(document instanceof ObjectNode object) || !object.hasNonNull("kind") || !object.path("metadata").hasNonNull("name")) {
            throw new IllegalArgumentException(source + ": every document needs kind and metadata.name: " + document);
        }
        return object;
    }

    private static void applyPatch(List<ObjectNode> objects, ObjectNode patch, Path source) {
        String kind = patch.get("kind").asText();
        String name = patch.get("metadata").get("name").asText();
        List<ObjectNode> targets = objects.stream()
                .filter(object -> object.get("kind").asText().equals(kind)
                        && object.get("metadata").get("name").asText().equals(name))
                .toList();
        if (targets.size() != 1) {
            throw new IllegalArgumentException(source + ": patch for " + kind + "/" + name + " matches " + targets.size() + " objects");
        }
        mergeObject(targets.getFirst(), patch);
    }

    static void mergeObject(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            JsonNode current = target.get(field);
            if (value.isNull()) {
                target.remove(field);
            } else if (value.isObject() && current instanceof ObjectNode currentObject) {
                mergeObject(currentObject, (ObjectNode) value);
            } else if (value.isArray() && current instanceof ArrayNode currentArray && mergeKey(field, (ArrayNode) value) != null) {
                mergeList(currentArray, (ArrayNode) value, mergeKey(field, (ArrayNode) value));
            } else {
                target.set(field, withoutDirectives(value));
            }
        }
    }

    private static String mergeKey(String field, ArrayNode elements) {
        if (field.equals("ports")) {
            return elements.size() > 0 && elements.get(0).has("containerPort") ? "containerPort" : null;
        }
        return MERGE_KEYS.get(field);
    }

    private static void mergeList(ArrayNode target, ArrayNode patch, String key) {
        for (JsonNode element : patch) {
            JsonNode id = element.get(key);
            if (id == null) {
                throw new IllegalArgumentException("list element without merge key '" + key + "': " + element);
            }
            int index = indexOf(target, key, id);
            boolean delete = "delete".equals(element.path("$patch").asText());
            if (delete) {
                if (index < 0) {
                    throw new IllegalArgumentException("$patch: delete of a missing element " + element);
                }
                target.remove(index);
            } else if (index >= 0) {
                mergeObject((ObjectNode) target.get(index), (ObjectNode) element);
            } else {
                target.add(withoutDirectives(element));
            }
        }
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
        for (int i = 0; i < list.size(); i++) {
            if (id.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode withoutDirectives(JsonNode value) {
        JsonNode copy = value.deepCopy();
        if (copy instanceof ObjectNode object) {
            object.remove("$patch");
            removeNulls(object);
        }
        return copy;
    }

    private static void removeNulls(ObjectNode object) {
        object.properties().removeIf(entry -> entry.getValue().isNull());
        object.forEach(child -> {
            if (child instanceof ObjectNode childObject) {
                removeNulls(childObject);
            }
        });
    }

    /** Kustomize's images transformer: containers and init containers of pod templates, by image name. */
    private static void replaceImages(ObjectNode object, JsonNode image) {
        JsonNode podSpec = object.path("spec").path("template").path("spec");
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : podSpec.path(list)) {
                String reference = container.path("image").asText();
                ImageReference parsed = ImageReference.parse(reference);
                if (parsed.name().equals(image.get("name").asText())) {
                    String name = image.hasNonNull("newName") ? image.get("newName").asText() : parsed.name();
                    String tag = image.hasNonNull("newTag") ? image.get("newTag").asText() : parsed.tag();
                    String digest = image.hasNonNull("digest") ? image.get("digest").asText() : parsed.digest();
                    ((ObjectNode) container).put("image", new ImageReference(name, tag, digest).toString());
                }
            }
        }
    }

    /** {@code name[:tag][@digest]}, where a registry host may carry a port ({@code host:5000/name}). */
    record ImageReference(String name, String tag, String digest) {

        static ImageReference parse(String reference) {
            String rest = reference;
            String digest = null;
            int at = rest.indexOf('@');
            if (at >= 0) {
                digest = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            String tag = null;
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                tag = rest.substring(colon + 1);
                rest = rest.substring(0, colon);
            }
            return new ImageReference(rest, tag, digest);
        }

        @Override
        public String toString() {
            return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
        }
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
