package io.pgha.ctl;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the coordinators are and which token to send, decided from (first wins) the command line, the
 * environment ({@code PGHA_COORDINATOR}, {@code PGHA_TOKEN}, {@code PGHA_TOKEN_FILE}, {@code
 * PGHA_CLUSTER}), the config file and, last, the local {@code ./pgha up} cluster of the checkout. Each
 * answer says where it came from, so that an error can name it. Pure: files are read by the {@code
 * readFile} it is given.
 *
 * @param cluster the cluster to act on, when known before asking a coordinator
 * @param coordinators the coordinators' base URIs, tried in order
 * @param endpointSource where they came from ("--coordinator", "PGHA_COORDINATOR", a file)
 * @param token the bearer token for mutating calls, if any
 * @param tokenSource where the token came from, or how to give one
 */
public record Connection(
        Optional<String> cluster,
        List<URI> coordinators,
        String endpointSource,
        Optional<String> token,
        String tokenSource) {

    public static final String ENV_COORDINATOR = "PGHA_COORDINATOR";
    public static final String ENV_TOKEN = "PGHA_TOKEN";
    public static final String ENV_TOKEN_FILE = "PGHA_TOKEN_FILE";
    public static final String ENV_CLUSTER = "PGHA_CLUSTER";
    public static final String ENV_CONFIG_FILE = "PGHACTL_CONFIG_FILE";

    /** What the command line said (each part may be absent). */
    public record Flags(
            Optional<String> cluster, List<String> coordinators, Optional<String> token, Optional<Path> tokenFile) {}

    /**
     * The {@code ./pgha up} cluster of the checkout, from its {@code .pgha/} folder.
     *
     * @param home the {@code .pgha} folder
     * @param cluster its cluster's name ({@code state.properties}: cluster)
     * @param coordinators its coordinators ({@code state.properties}: coordinator-N.address)
     * @param tokenFile {@code .pgha/api-token}
     * @param services the addresses {@code state.properties} records of backup-service, alert-service and
     *     Alertmanager ({@code <component>.address}), by component name
     * @param caFile the local CA that verifies the suite's https services ({@code state.properties}:
     *     {@code tls.ca}), when {@code ./pgha up} ran with TLS
     */
    public record LocalCheckout(
            Path home,
            String cluster,
            List<String> coordinators,
            Path tokenFile,
            Map<String, String> services,
            Optional<Path> caFile) {
        /** A checkout without recorded services. */
        public LocalCheckout(Path home, String cluster, List<String> coordinators, Path tokenFile) {
            this(home, cluster, coordinators, tokenFile, Map.of());
        }

        /** A checkout whose suite runs without TLS. */
        public LocalCheckout(
                Path home, String cluster, List<String> coordinators, Path tokenFile, Map<String, String> services) {
            this(home, cluster, coordinators, tokenFile, services, Optional.empty());
        }
    }

    /** Decides the connection; a usage error when no coordinator is configured anywhere. */
    public static Connection resolve(
            Flags flags,
            Map<String, String> env,
            Optional<CtlConfig> config,
            Optional<LocalCheckout> local,
            Function<Path, String> readFile) {
        Optional<String> cluster = flags.cluster()
                .or(() -> nonBlank(env.get(ENV_CLUSTER)))
                .or(() -> config.flatMap(CtlConfig::defaultCluster))
                .or(() -> config.isEmpty() ? local.map(LocalCheckout::cluster) : Optional.empty());
        Optional<CtlConfig.Entry> entry =
                config.flatMap(c -> cluster.map(name -> c.clusters().get(name)));

        List<String> endpoints;
        String endpointSource;
        boolean fromLocal = false;
        if (!flags.coordinators().isEmpty()) {
            endpoints = flags.coordinators();
            endpointSource = "--coordinator";
        } else if (nonBlank(env.get(ENV_COORDINATOR)).isPresent()) {
            endpoints = Endpoints.split(env.get(ENV_COORDINATOR));
            endpointSource = ENV_COORDINATOR;
        } else if (entry.isPresent() && !entry.get().coordinators().isEmpty()) {
            endpoints = entry.get().coordinators();
            endpointSource = config.get().file() + " (clusters." + cluster.get() + ".coordinators)";
        } else if (config.isPresent() && !config.get().defaults().coordinators().isEmpty()) {
            // shared coordinators: a cluster without an entry of its own is asked for there
            CtlConfig c = config.get();
            endpoints = c.defaults().coordinators();
            endpointSource = c.file() + " (coordinators)";
        } else if (config.isPresent()
                && cluster.isPresent()
                && !config.get().clusters().isEmpty()
                && entry.isEmpty()) {
            throw CtlException.failed(
                    "cluster " + cluster.get() + " is not in " + config.get().file() + "; it names: "
                            + String.join(", ", config.get().clusters().keySet()));
        } else if (local.isPresent() && !local.get().coordinators().isEmpty()) {
            endpoints = local.get().coordinators();
            endpointSource = local.get().home().resolve("state.properties") + " (./pgha up)";
            fromLocal = true;
        } else {
            throw new CtlException(
                    ExitCode.UNREACHABLE,
                    "no coordinator endpoint: pass --coordinator http://host:8020, set " + ENV_COORDINATOR
                            + ", write coordinators: in ~/.config/pgha/pghactl.yaml, or start the local cluster"
                            + " with ./pgha up");
        }
        List<URI> uris = Endpoints.parse(endpoints, endpointSource);

        Optional<String> token;
        String tokenSource;
        if (flags.token().isPresent()) {
            token = flags.token();
            tokenSource = "--token";
        } else if (flags.tokenFile().isPresent()) {
            token = Optional.of(read(readFile, flags.tokenFile().get(), "--token-file"));
            tokenSource = "--token-file " + flags.tokenFile().get();
        } else if (nonBlank(env.get(ENV_TOKEN)).isPresent()) {
            token = nonBlank(env.get(ENV_TOKEN));
            tokenSource = ENV_TOKEN;
        } else if (nonBlank(env.get(ENV_TOKEN_FILE)).isPresent()) {
            Path file = Path.of(env.get(ENV_TOKEN_FILE).strip());
            token = Optional.of(read(readFile, file, ENV_TOKEN_FILE));
            tokenSource = ENV_TOKEN_FILE + " (" + file + ")";
        } else if (entry.isPresent() && entry.get().token().isPresent()) {
            token = entry.get().token();
            tokenSource = config.get().file() + " (clusters." + cluster.get() + ".token)";
        } else if (entry.isPresent() && entry.get().tokenFile().isPresent()) {
            Path file = Path.of(entry.get().tokenFile().get());
            String where = config.get().file() + " (clusters." + cluster.get() + ".token_file " + file + ")";
            token = Optional.of(read(readFile, file, where));
            tokenSource = where;
        } else if (config.isPresent() && config.get().defaults().token().isPresent()) {
            token = config.get().defaults().token();
            tokenSource = config.get().file() + " (token)";
        } else if (config.isPresent() && config.get().defaults().tokenFile().isPresent()) {
            Path file = Path.of(config.get().defaults().tokenFile().get());
            String where = config.get().file() + " (token_file " + file + ")";
            token = Optional.of(read(readFile, file, where));
            tokenSource = where;
        } else if (fromLocal) {
            Path file = local.get().tokenFile();
            token = Optional.of(read(readFile, file, "the local cluster's token"));
            tokenSource = file + " (./pgha up)";
        } else {
            token = Optional.empty();
            tokenSource = "no token (pass --token or --token-file, or set " + ENV_TOKEN + " or " + ENV_TOKEN_FILE + ")";
        }
        return new Connection(cluster, uris, endpointSource, token, tokenSource);
    }

    private static String read(Function<Path, String> readFile, Path file, String what) {
        String text;
        try {
            text = readFile.apply(file);
        } catch (RuntimeException e) {
            throw CtlException.usage("cannot read the token file " + file + " (" + what + "): " + e.getMessage());
        }
        if (text == null || text.isBlank()) {
            throw CtlException.usage("the token file " + file + " (" + what + ") is empty");
        }
        return text.strip();
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
