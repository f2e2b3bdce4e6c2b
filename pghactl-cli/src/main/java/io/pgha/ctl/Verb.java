package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every verb shares: the connection, the cluster it acts on, its output. */
abstract class Verb implements Callable<Integer> {
    static final String API = "/api/v1/clusters";

    /** The root command (not picocli's @ParentCommand: a verb may sit in a group, e.g. {@code backup list}). */
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions options;

    private Api api;
    private Connection connection;

    /** The root {@link Main} of this command line, which holds the options given before the verb. */
    Main main() {
        if (main == null) {
            main = (Main) spec.root().userObject();
        }
        return main;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    Connection connection() {
        if (connection == null) {
            connection = connect(options.or(main().options), main().env, Optional.empty());
        }
        return connection;
    }

    Api api() {
        if (api == null) {
            ConnectionOptions o = options.or(main().options);
            api = new Api(
                    connection(),
                    CaCert.resolve(
                                    Optional.ofNullable(o.cacert),
                                    main().env,
                                    configFile(o, main().env),
                                    localCheckout())
                            .map(CaCert::sslContext));
        }
        return api;
    }

    /**
     * {@code given}, else the cluster the settings name, else the only cluster the coordinators know;
     * otherwise a failure listing the clusters there are.
     */
    String cluster(String given) {
        if (given != null && !given.isBlank()) {
            connection = connect(options.or(main().options), main().env, Optional.of(given));
            api = null;
            return given;
        }
        Optional<String> configured = connection().cluster();
        if (configured.isPresent()) {
            return configured.get();
        }
        List<String> names = clusters();
        if (names.size() == 1) {
            return names.get(0);
        }
        throw CtlException.usage(
                names.isEmpty()
                        ? "the coordinators know no cluster yet"
                        : "name the cluster (" + String.join(", ", names) + "): e.g. pghactl " + spec.name() + " "
                                + names.get(0));
    }

    /** The clusters the coordinators know. */
    List<String> clusters() {
        Api.Answer answer = api().get(API);
        require(answer, "list the clusters");
        List<String> names = new ArrayList<>();
        Json.read(answer.body(), "the cluster list")
                .forEach(c -> names.add(c.path("cluster").asText()));
        return names;
    }

    /** The coordinator's view of {@code cluster}; 404 becomes a failure naming the known clusters. */
    ClusterView view(String cluster) {
        Api.Answer answer = api().get(API + "/" + cluster);
        if (answer.status() == 404) {
            List<String> names = clusters();
            throw CtlException.failed("cluster " + cluster + " is not known to the coordinator at " + answer.uri()
                    + "; the clusters there: " + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        require(answer, "read cluster " + cluster);
        return ClusterView.of(Json.read(answer.body(), "the cluster view"));
    }

    /** What the member's agent says about itself ({@code GET /patroni}), or empty when it does not answer. */
    Optional<JsonNode> patroni(ClusterView.Member member) {
        try {
            Api.Answer answer = api().agent(
                            member.name(), member.apiUrl(), "GET", "/patroni", null, java.time.Duration.ofSeconds(3));
            return answer.body() == null || answer.body().isBlank()
                    ? Optional.empty()
                    : Optional.of(Json.read(answer.body(), "GET /patroni"));
        } catch (CtlException e) {
            return Optional.empty();
        }
    }

    static void require(Api.Answer answer, String what) {
        if (!answer.ok()) {
            throw CtlException.failed(
                    "could not " + what + ": " + answer.status() + " from " + answer.uri() + ": " + answer.reason());
        }
    }

    /**
     * Where {@code service} is for {@code cluster} (flags, environment, config file, ./pgha up); a failure
     * naming every way to configure it when none does.
     */
    ServiceUrls.Located service(ServiceUrls.Service service, String cluster) {
        ConnectionOptions o = options.or(main().options);
        return ServiceUrls.resolve(
                service,
                o.serviceUrl(service),
                main().env,
                configFile(o, main().env),
                Optional.ofNullable(cluster),
                localCheckout());
    }

    Prompter prompter() {
        return main().prompter(out());
    }

    // --- the settings' sources (files and the environment) ---

    static Connection connect(ConnectionOptions o, Map<String, String> env, Optional<String> cluster) {
        return Connection.resolve(
                new Connection.Flags(
                        cluster, o.coordinators, Optional.ofNullable(o.token), Optional.ofNullable(o.tokenFile)),
                env,
                configFile(o, env),
                localCheckout(),
                Verb::readFile);
    }

    static Optional<CtlConfig> configFile(ConnectionOptions o, Map<String, String> env) {
        Path file;
        boolean required;
        if (o.configFile != null) {
            file = o.configFile;
            required = true;
        } else if (env.get(Connection.ENV_CONFIG_FILE) != null) {
            file = Path.of(env.get(Connection.ENV_CONFIG_FILE));
            required = true;
        } else {
            file = Path.of(System.getProperty("user.home"), ".config", "pgha", "pghactl.yaml");
            required = false;
        }
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw CtlException.usage("config file " + file + " does not exist");
            }
            return Optional.empty();
        }
        return Optional.of(CtlConfig.parse(file, Json.readYaml(readFile(file), file.toString())));
    }

    /** The checkout's {@code .pgha/} (the launcher names it; else the working directory's). */
    static Optional<Connection.LocalCheckout> localCheckout() {
        String named = System.getProperty("pghactl.local");
        Path home = named != null ? Path.of(named) : Path.of(".pgha");
        Path state = home.resolve("state.properties");
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(state)) {
            p.load(reader);
        } catch (IOException e) {
            return Optional.empty();
        }
        java.util.Map<String, String> services = new java.util.HashMap<>();
        for (ServiceUrls.Service service : ServiceUrls.Service.values()) {
            String address = p.getProperty(service.component() + ".address", "");
            if (!address.isBlank()) {
                services.put(service.component(), address);
            }
        }
        TreeMap<String, String> coordinators = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("coordinator-") && key.endsWith(".address")) {
                coordinators.put(key, p.getProperty(key));
            }
        }
        return Optional.of(new Connection.LocalCheckout(
                home.toAbsolutePath(),
                p.getProperty("cluster", "pgha"),
                List.copyOf(coordinators.values()),
                home.toAbsolutePath().resolve("api-token"),
                Map.copyOf(services),
                Optional.ofNullable(p.getProperty("tls.ca"))
                        .filter(ca -> !ca.isBlank())
                        .map(Path::of)));
    }

    static String readFile(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
