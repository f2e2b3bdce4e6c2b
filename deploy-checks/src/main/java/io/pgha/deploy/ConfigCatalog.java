package io.pgha.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration properties a service reads, found in its sources (pure over the text it is given): the
 * {@code @ConfigMapping} interfaces (nested groups, {@code @WithName}, {@code @WithDefault}, maps as
 * {@code *}), {@code @ConfigProperty(name = ...)}, and its {@code application.properties}. It tells whether an
 * environment variable or a property key names one of them (SmallRye's env naming: upper case, every
 * character that is not a letter or digit becomes {@code _}), and which properties have no value.
 */
public final class ConfigCatalog {
    /** One property: its name ({@code *} for a map key), whether it must be given a value. */
    public record Property(String name, boolean required) {
        /** Whether {@code key} (a property key) names this property. */
        boolean matchesKey(String key) {
            return Pattern.compile(Pattern.quote(name).replace("*", "\\E[^.]+\\Q"))
                    .matcher(key)
                    .matches();
        }

        /**
         * Whether {@code env} (an environment variable's name) maps to this property. A map key must be in
         * SmallRye's quoted form ({@code quarkus.tls.key-store.pem."0".cert} → {@code
         * QUARKUS_TLS_KEY_STORE_PEM__0__CERT}): Quarkus 3.33 ignored {@code QUARKUS_TLS_KEY_STORE_PEM_0_CERT}
         * (alert-service's jar started without HTTPS, "Cannot set quarkus.http.insecure-requests without
         * enabling SSL") and took the quoted form (docs/kubernetes.md, "Configuration").
         */
        boolean matchesEnv(String env) {
            String[] parts = name.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append("_[A-Z0-9_]+_");
                }
                regex.append(Pattern.quote(envName(parts[i])));
            }
            return env.matches(regex.toString());
        }

        /** {@code key}'s environment variable name, its map keys quoted as SmallRye reads them; empty when {@code key} is not this property. */
        Optional<String> envNameOf(String key) {
            Matcher m = Pattern.compile(Pattern.quote(name).replace("*", "\\E([^.]+)\\Q"))
                    .matcher(key);
            if (!m.matches()) {
                return Optional.empty();
            }
            StringBuilder quoted = new StringBuilder(key);
            for (int g = m.groupCount(); g >= 1; g--) {
                quoted.insert(m.end(g), '"').insert(m.start(g), '"');
            }
            return Optional.of(envName(quoted.toString()));
        }
    }

    /** Properties every Quarkus service here reads besides its own (Quarkus' HTTP server and TLS registry, the Kafka client). */
    static final List<String> PLATFORM = List.of(
            "quarkus.http.host",
            "quarkus.http.port",
            // HTTPS only with a PEM certificate of Quarkus' TLS registry (what ./pgha up sets, local's
            // QuarkusService.httpsProperties)
            "quarkus.http.ssl-port",
            "quarkus.http.insecure-requests",
            "quarkus.tls.key-store.pem.*.cert",
            "quarkus.tls.key-store.pem.*.key",
            "kafka.bootstrap.servers",
            // the Kafka client's transport security, which SmallRye hands every client from kafka.*
            "kafka.security.protocol",
            "kafka.sasl.mechanism",
            "kafka.ssl.truststore.type",
            "kafka.ssl.truststore.location");

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern CONFIG_PROPERTY =
            Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\s*\\([^)]*\\))?\\s*)*)([\\w.]+(?:<[\\w.<>, ?]+>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    /** A property read by name through code (e.g. messaging's KafkaCredentials): a {@code pgha.*} constant. */
    private static final Pattern NAME_CONSTANT =
            Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*\"(pgha\\.[a-z0-9-]+\\.[a-z0-9.-]+)\"\\s*;");
    /** A constant made of another plus a suffix ({@code PASSWORD + "-file"}). */
    private static final Pattern SUFFIX_CONSTANT =
            Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*(\\w+)\\s*\\+\\s*\"(-[a-z0-9-]+)\"\\s*;");

    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"");

    private final List<Property> properties;

    private ConfigCatalog(List<Property> properties) {
        this.properties = List.copyOf(properties);
    }

    /** The catalog of Java sources {@code sources} plus the keys of {@code applicationProperties}. */
    public static ConfigCatalog of(List<String> sources, String applicationProperties) {
        Map<String, String> interfaces = new HashMap<>();
        List<String[]> roots = new ArrayList<>();
        Map<String, Property> found = new LinkedHashMap<>();
        for (String raw : sources) {
            String source = stripComments(raw);
            Matcher i = INTERFACE.matcher(source);
            while (i.find()) {
                interfaces.put(i.group(1), ownBody(source, i.end()));
            }
            Matcher m = MAPPING.matcher(source);
            if (m.find()) {
                Matcher first = INTERFACE.matcher(source);
                if (first.find(m.end())) {
                    roots.add(new String[] {m.group(1), first.group(1)});
                }
            }
            Map<String, String> constants = new HashMap<>();
            Matcher c = NAME_CONSTANT.matcher(source);
            while (c.find()) {
                constants.put(c.group(1), c.group(2));
                found.putIfAbsent(c.group(2), new Property(c.group(2), false));
            }
            Matcher suffix = SUFFIX_CONSTANT.matcher(source);
            while (suffix.find()) {
                String base = constants.get(suffix.group(2));
                if (base != null) {
                    found.putIfAbsent(base + suffix.group(3), new Property(base + suffix.group(3), false));
                }
            }
            Matcher p = CONFIG_PROPERTY.matcher(source);
            while (p.find()) {
                found.putIfAbsent(p.group(1), new Property(p.group(1), false));
            }
        }
        for (String[] root : roots) {
            expand(root[0], root[1], interfaces, found, true);
        }
        PLATFORM.forEach(name -> found.putIfAbsent(name, new Property(name, false)));
        Properties props = new Properties();
        try {
            props.load(new java.io.StringReader(applicationProperties));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : props.stringPropertyNames()) {
            if (found.values().stream().noneMatch(p -> p.matchesKey(key))) {
                found.put(key, new Property(key, false));
            }
        }
        return new ConfigCatalog(new ArrayList<>(found.values()));
    }

    /** The catalog of a module: its sources and those of the modules in {@code dependencies} (folders). */
    public static ConfigCatalog ofModule(Path module, List<Path> dependencies) {
        List<String> sources = new ArrayList<>();
        for (Path dir : Stream.concat(Stream.of(module), dependencies.stream()).toList()) {
            Path java = dir.resolve("src/main/java");
            if (!Files.isDirectory(java)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(java)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    sources.add(Files.readString(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path props = module.resolve("src/main/resources/application.properties");
        try {
            return of(sources, Files.isRegularFile(props) ? Files.readString(props) : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Property> properties() {
        return properties;
    }

    /** The property an environment variable maps to, if any. */
    public Optional<Property> forEnv(String env) {
        return properties.stream().filter(p -> p.matchesEnv(env)).findFirst();
    }

    /** The environment variable that sets {@code key} (map keys quoted, as SmallRye reads them), if it is a property. */
    public Optional<String> envNameOf(String key) {
        return properties.stream()
                .map(p -> p.envNameOf(key))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** The property a key (of a properties file) names, if any. */
    public Optional<Property> forKey(String key) {
        return properties.stream().filter(p -> p.matchesKey(key)).findFirst();
    }

    /** SmallRye's environment variable name of a property. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    private static void expand(
            String prefix, String type, Map<String, String> interfaces, Map<String, Property> out, boolean required) {
        String body = interfaces.get(type);
        if (body == null) {
            return;
        }
        Matcher m = METHOD.matcher(body);
        while (m.find()) {
            String annotations = m.group(1);
            String returnType = m.group(2);
            Matcher withName = WITH_NAME.matcher(annotations);
            String name = prefix + "." + (withName.find() ? withName.group(1) : kebab(m.group(3)));
            boolean hasDefault = annotations.contains("@WithDefault");
            if (returnType.startsWith("Map<") || returnType.startsWith("java.util.Map<")) {
                String value = returnType
                        .substring(returnType.indexOf(',') + 1, returnType.lastIndexOf('>'))
                        .strip();
                if (interfaces.containsKey(value)) {
                    expand(name + ".*", value, interfaces, out, false);
                } else {
                    out.putIfAbsent(name + ".*", new Property(name + ".*", false));
                }
                continue;
            }
            boolean optional = returnType.startsWith("Optional<");
            String inner = optional || returnType.startsWith("List<") || returnType.startsWith("java.util.List<")
                    ? returnType
                            .substring(returnType.indexOf('<') + 1, returnType.lastIndexOf('>'))
                            .strip()
                    : returnType;
            if (interfaces.containsKey(inner)) {
                expand(name, inner, interfaces, out, required && !optional);
            } else {
                out.putIfAbsent(name, new Property(name, required && !optional && !hasDefault));
            }
        }
    }

    /** The body of the interface whose opening brace ends at {@code start}, without nested interfaces' bodies. */
    private static String ownBody(String source, int start) {
        StringBuilder own = new StringBuilder();
        int depth = 1;
        boolean inString = false;
        for (int i = start; i < source.length() && depth > 0; i++) {
            char c = source.charAt(i);
            if (inString || c == '"') {
                // braces inside string literals (@WithDefault("${x}")) are not blocks
                if (c == '\\') {
                    if (depth == 1) {
                        own.append(c).append(source.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                if (c == '"') {
                    inString = !inString;
                }
                if (depth == 1) {
                    own.append(c);
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (depth == 1) {
                own.append(c);
            }
        }
        // a nested interface's header stays behind ("interface X"): drop it so it is not read as a method
        return own.toString().replaceAll("\\binterface\\s+\\w+[^;]*?(?=\\s|$)", " ");
    }

    /** The source without comments; string and char literals (which may hold // or /*) are kept. */
    private static String stripComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                int stop = end < 0 ? n : end + 3;
                out.append(source, i, stop);
                i = stop;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                int stop = Math.min(n, j + 1);
                out.append(source, i, stop);
                i = stop;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
