package io.servelink.deploy.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.springframework.asm.AnnotationVisitor;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.FieldVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.RecordComponentVisitor;
import org.springframework.asm.Type;

/**
 * The configuration keys one service really has, read from its built Spring Boot jar (no network, no cluster):
 * <ul>
 *   <li>{@code @ConfigurationProperties} types in the service's own classes and the project's libraries in the jar
 *       (shared-contracts, servelink-starter), read with ASM without loading them: record components and JavaBean setters, nested
 *       project types followed, maps, collections and arrays open to any sub-key;</li>
 *   <li>placeholders {@code ${key:default}} in any annotation of those classes ({@code @Value},
 *       {@code @Scheduled}, ...) and in the values of the service's application*.yml;</li>
 *   <li>the keys of the service's application*.yml themselves;</li>
 *   <li>every {@code META-INF/spring-configuration-metadata.json} (and the additional metadata) of the libraries
 *       packed in the jar: Spring Boot's own keys ({@code spring.r2dbc.*}, {@code spring.mail.*}, {@code server.*}, ...).</li>
 * </ul>
 * An environment variable matches a key as Spring Boot's relaxed binding does: upper case, dots to underscores,
 * dashes removed or turned into underscores.
 */
final class ConfigurationKeys {

    private static final String CONFIGURATION_PROPERTIES = "Lorg/springframework/boot/context/properties/ConfigurationProperties;";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}$]+)");
    private static final Set<String> OPEN_TYPES = Set.of("java/util/Map", "java/util/List", "java/util/Set",
            "java/util/Collection", "java/util/Properties", "java/lang/Object", "java/util/SortedMap", "java/util/LinkedHashMap",
            "java/util/HashMap");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<Key>> LIBRARY_METADATA_CACHE = new HashMap<>();

    /** A key, or with {@code open} a prefix under which any key is accepted (maps, lists). */
    record Key(String name, boolean open) {
    }

    private final Set<Key> keys;

    private ConfigurationKeys(Set<Key> keys) {
        this.keys = keys;
    }

    Set<Key> keys() {
        return keys;
    }

    /** Reads the keys of a Spring Boot executable jar (BOOT-INF/classes and BOOT-INF/lib). */
    static ConfigurationKeys ofBootJar(Path jar) {
        Set<Key> keys = new HashSet<>();
        Map<String, byte[]> projectClasses = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (name.startsWith("BOOT-INF/classes/") && name.endsWith(".class")) {
                    projectClasses.put(name.substring("BOOT-INF/classes/".length()), zip.getInputStream(entry).readAllBytes());
                } else if (name.matches("BOOT-INF/classes/application[^/]*\\.ya?ml")) {
                    keys.addAll(yamlKeys(zip.getInputStream(entry).readAllBytes()));
                } else if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    String library = name.substring("BOOT-INF/lib/".length());
                    if (isProjectLibrary(library)) {
                        readProjectLibrary(zip.getInputStream(entry).readAllBytes(), projectClasses, keys);
                    } else {
                        keys.addAll(LIBRARY_METADATA_CACHE.computeIfAbsent(library + "@" + entry.getSize(),
                                ignored -> metadataKeys(zip, entry)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        keys.addAll(new ClassScan(projectClasses).keys());
        return new ConfigurationKeys(Set.copyOf(keys));
    }

    /** Whether Spring Boot would bind this environment variable to one of the keys. */
    boolean acceptsEnvironmentVariable(String variable) {
        String env = variable.toLowerCase(Locale.ROOT);
        for (Key key : keys) {
            for (String form : environmentForms(key.name())) {
                if (env.equals(form) || (key.open() && env.startsWith(form + "_"))) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean has(String key) {
        return keys.stream().anyMatch(k -> k.name().equals(key) || (k.open() && key.startsWith(k.name() + ".")));
    }

    /** {@code spring.kafka.bootstrap-servers}: {@code spring_kafka_bootstrapservers} and {@code spring_kafka_bootstrap_servers}. */
    private static List<String> environmentForms(String key) {
        String lower = key.toLowerCase(Locale.ROOT).replaceAll("\\[(\\d+|\\*)]", ".$1").replace('.', '_');
        return List.of(lower.replace("-", ""), lower.replace('-', '_'));
    }

    private static boolean isProjectLibrary(String library) {
        return library.startsWith("shared-contracts-") || library.startsWith("servelink-starter-");
    }

    private static void readProjectLibrary(byte[] jar, Map<String, byte[]> classes, Set<Key> keys) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().endsWith(".class")) {
                    classes.put(entry.getName(), in.readAllBytes());
                } else if (entry.getName().matches("META-INF/(additional-)?spring-configuration-metadata\\.json")) {
                    keys.addAll(metadataJson(in.readAllBytes()));
                }
            }
        }
    }

    private static List<Key> metadataKeys(ZipFile outer, ZipEntry library) {
        List<Key> keys = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(outer.getInputStream(library))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().matches("META-INF/(additional-)?spring-configuration-metadata\\.json")) {
                    keys.addAll(metadataJson(in.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    private static List<Key> metadataJson(byte[] json) throws IOException {
        List<Key> keys = new ArrayList<>();
        for (JsonNode property : JSON.readTree(json).path("properties")) {
            String type = property.path("type").asText("");
            boolean open = type.startsWith("java.util.Map") || type.startsWith("java.util.List") || type.startsWith("java.util.Set")
                    || type.startsWith("java.util.Collection") || type.endsWith("[]") || type.equals("java.util.Properties");
            keys.add(new Key(property.path("name").asText(), open));
        }
        return keys;
    }

    private static List<Key> yamlKeys(byte[] yaml) throws IOException {
        List<Key> keys = new ArrayList<>();
        try (var parser = Kustomize.YAML.getFactory().createParser(yaml)) {
            var documents = Kustomize.YAML.readValues(parser, JsonNode.class);
            while (documents.hasNext()) {
                flatten("", documents.next(), keys);
            }
        }
        return keys;
    }

    private static void flatten(String prefix, JsonNode node, List<Key> keys) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(entry -> flatten(prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey(), entry.getValue(), keys));
        } else if (node.isArray()) {
            keys.add(new Key(prefix, true)); // a list: its elements' keys belong to it; their placeholders are keys
            scalars(node).forEach(value -> placeholders(value).forEach(placeholder -> keys.add(new Key(placeholder, false))));
        } else {
            keys.add(new Key(prefix, false));
            placeholders(node.asText()).forEach(placeholder -> keys.add(new Key(placeholder, false)));
        }
    }

    private static List<String> scalars(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isValueNode()) {
            values.add(node.asText());
        } else {
            node.forEach(child -> values.addAll(scalars(child)));
        }
        return values;
    }

    static Set<String> placeholders(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = PLACEHOLDER.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1).trim());
        }
        return names;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The project's classes, read with ASM: configuration property types and annotation placeholders. */
    private static final class ClassScan {

        private final Map<String, byte[]> classes;
        private final Set<Key> keys = new HashSet<>();

        ClassScan(Map<String, byte[]> classes) {
            this.classes = classes;
        }

        Set<Key> keys() {
            classes.values().forEach(bytes -> new ClassReader(bytes).accept(new Scanner(), ClassReader.SKIP_CODE));
            return keys;
        }

        /** Binds {@code type} under {@code prefix}: its record components or setters, following project types. */
        private void bind(String prefix, String internalName, Set<String> seen) {
            byte[] bytes = classes.get(internalName + ".class");
            if (bytes == null || !seen.add(internalName)) {
                keys.add(new Key(prefix, true));
                return;
            }
            ClassReader reader = new ClassReader(bytes);
            if ((reader.getAccess() & Opcodes.ACC_ENUM) != 0) {
                keys.add(new Key(prefix, false));
                return;
            }
            List<String[]> properties = new ArrayList<>(); // name, descriptor
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public RecordComponentVisitor visitRecordComponent(String name, String descriptor, String signature) {
                    properties.add(new String[] {name, descriptor});
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    Type[] arguments = Type.getArgumentTypes(descriptor);
                    if ((access & Opcodes.ACC_PUBLIC) != 0 && name.length() > 3 && name.startsWith("set") && arguments.length == 1) {
                        properties.add(new String[] {Character.toLowerCase(name.charAt(3)) + name.substring(4), arguments[0].getDescriptor()});
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
            for (String[] property : properties) {
                bindProperty(prefix + "." + kebab(property[0]), Type.getType(property[1]), seen);
            }
        }

        private void bindProperty(String key, Type type, Set<String> seen) {
            if (type.getSort() == Type.ARRAY || (type.getSort() == Type.OBJECT && OPEN_TYPES.contains(type.getInternalName()))) {
                keys.add(new Key(key, true));
            } else if (type.getSort() == Type.OBJECT && classes.containsKey(type.getInternalName() + ".class")) {
                bind(key, type.getInternalName(), new HashSet<>(seen));
            } else {
                keys.add(new Key(key, false));
            }
        }

        private final class Scanner extends ClassVisitor {

            private String className;

            Scanner() {
                super(Opcodes.ASM9);
            }

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                className = name;
            }

            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                return annotation(descriptor, prefix -> bind(prefix, className, new HashSet<>()));
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                return new FieldVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return annotation(annotation, prefix -> { });
                    }
                };
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                Type returned = Type.getReturnType(descriptor);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        // @ConfigurationProperties on a @Bean method binds the returned type
                        return annotation(annotation, prefix -> bindProperty(prefix, returned, new HashSet<>()));
                    }

                    @Override
                    public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                        return annotation(annotation, prefix -> { });
                    }
                };
            }

            /** Collects placeholders of any annotation; hands a @ConfigurationProperties prefix to {@code onPrefix}. */
            private AnnotationVisitor annotation(String descriptor, java.util.function.Consumer<String> onPrefix) {
                boolean configurationProperties = descriptor.equals(CONFIGURATION_PROPERTIES);
                return new Strings(value -> placeholders(value).forEach(placeholder -> keys.add(new Key(placeholder, false)))) {
                    private String prefix;

                    @Override
                    public void visit(String name, Object value) {
                        super.visit(name, value);
                        if (configurationProperties && ("value".equals(name) || "prefix".equals(name)) && !value.toString().isEmpty()) {
                            prefix = value.toString();
                        }
                    }

                    @Override
                    public void visitEnd() {
                        if (prefix != null) {
                            onPrefix.accept(prefix);
                        }
                    }
                };
            }
        }
    }

    /** Hands every string value of an annotation (nested arrays and annotations too) to a consumer. */
    private static class Strings extends AnnotationVisitor {

        private final java.util.function.Consumer<String> consumer;

        Strings(java.util.function.Consumer<String> consumer) {
            super(Opcodes.ASM9);
            this.consumer = consumer;
        }

        @Override
        public void visit(String name, Object value) {
            if (value instanceof String text) {
                consumer.accept(text);
            }
        }

        @Override
        public AnnotationVisitor visitArray(String name) {
            return new Strings(consumer);
        }

        @Override
        public AnnotationVisitor visitAnnotation(String name, String descriptor) {
            return new Strings(consumer);
        }
    }
}
