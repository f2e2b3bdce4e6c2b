package io.pgha.ctl;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where backup-service, alert-service and Alertmanager are, decided like the coordinators (first wins):
 * the flag ({@code --backup-url}, {@code --alert-url}, {@code --alertmanager-url}), the environment
 * ({@code PGHA_BACKUP_URL}, {@code PGHA_ALERT_URL}, {@code PGHA_ALERTMANAGER_URL}), the config file (the
 * cluster's {@code backup_url}/{@code alert_url}/{@code alertmanager_url}, then the top-level one), and
 * last the checkout's {@code ./pgha up} suite ({@code .pgha/state.properties}, {@code
 * <component>.address}). Pure.
 */
public final class ServiceUrls {
    private ServiceUrls() {}

    /** The services pghactl talks to besides the coordinators and agents. */
    public enum Service {
        BACKUP("backup-service", "--backup-url", "PGHA_BACKUP_URL", "backup_url", "backup-service"),
        ALERTS("alert-service", "--alert-url", "PGHA_ALERT_URL", "alert_url", "alert-service"),
        ALERTMANAGER("Alertmanager", "--alertmanager-url", "PGHA_ALERTMANAGER_URL", "alertmanager_url", "alertmanager");

        private final String title;
        private final String flag;
        private final String env;
        private final String setting;
        private final String component;

        Service(String title, String flag, String env, String setting, String component) {
            this.title = title;
            this.flag = flag;
            this.env = env;
            this.setting = setting;
            this.component = component;
        }

        public String title() {
            return title;
        }

        public String flag() {
            return flag;
        }

        public String env() {
            return env;
        }

        /** The config file's setting. */
        public String setting() {
            return setting;
        }

        /** The component's name in {@code .pgha/state.properties}. */
        public String component() {
            return component;
        }
    }

    /** A service's base URI and where it came from. */
    public record Located(Service service, URI uri, String source) {}

    /**
     * The URL of {@code service}; a failure (exit code 3, as for coordinators) that names every way to
     * give one when none is configured.
     */
    public static Located resolve(
            Service service,
            Optional<String> flag,
            Map<String, String> env,
            Optional<CtlConfig> config,
            Optional<String> cluster,
            Optional<Connection.LocalCheckout> local) {
        String url;
        String source;
        Optional<CtlConfig.Entry> entry =
                config.flatMap(c -> cluster.map(name -> c.clusters().get(name)));
        String fromEnv = env.get(service.env());
        if (flag.isPresent() && !flag.get().isBlank()) {
            url = flag.get();
            source = service.flag();
        } else if (fromEnv != null && !fromEnv.isBlank()) {
            url = fromEnv;
            source = service.env();
        } else if (entry.flatMap(e -> e.service(service)).isPresent()) {
            url = entry.get().service(service).get();
            source = config.get().file() + " (clusters." + cluster.get() + "." + service.setting() + ")";
        } else if (config.flatMap(c -> c.defaults().service(service)).isPresent()) {
            url = config.get().defaults().service(service).get();
            source = config.get().file() + " (" + service.setting() + ")";
        } else if (local.isPresent() && local.get().services().containsKey(service.component())) {
            url = local.get().services().get(service.component());
            source = local.get().home().resolve("state.properties") + " (./pgha up)";
        } else {
            throw new CtlException(
                    ExitCode.UNREACHABLE,
                    "no " + service.title() + " URL: pass " + service.flag() + " http://host:port, set "
                            + service.env() + ", write " + service.setting()
                            + ": in ~/.config/pgha/pghactl.yaml, or start the local suite with ./pgha up");
        }
        URI uri = Endpoints.parse(List.of(url), source).get(0);
        return new Located(service, uri, source);
    }
}
