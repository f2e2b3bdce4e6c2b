package io.pgha.ctl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The connection options, accepted before the verb and after it. */
public final class ConnectionOptions {
    @Option(
            names = {"-k", "--coordinator"},
            paramLabel = "URL",
            split = ",",
            description = "A coordinator's URL (repeat or comma-separate for several; default: $PGHA_COORDINATOR,"
                    + " the config file, or the checkout's ./pgha up cluster)")
    List<String> coordinators = new ArrayList<>();

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "The API token for changes (default: $PGHA_TOKEN, $PGHA_TOKEN_FILE, the config file,"
                    + " .pgha/api-token)")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the API token")
    Path tokenFile;

    @Option(
            names = "--cacert",
            paramLabel = "FILE",
            description = "PEM file of the CA that verifies https URLs: coordinators, agents, backup-service,"
                    + " alert-service (default: $PGHA_CACERT, the config file's cacert, the JVM's trust store)")
    Path cacert;

    @Option(
            names = {"-c", "--config-file"},
            paramLabel = "FILE",
            description = "pghactl's config file (default: $PGHACTL_CONFIG_FILE or ~/.config/pgha/pghactl.yaml)")
    Path configFile;

    @Option(
            names = "--backup-url",
            paramLabel = "URL",
            description = "backup-service's URL (default: $PGHA_BACKUP_URL, the config file's backup_url,"
                    + " the ./pgha up suite)")
    String backupUrl;

    @Option(
            names = "--alert-url",
            paramLabel = "URL",
            description = "alert-service's URL (default: $PGHA_ALERT_URL, alert_url, the ./pgha up suite)")
    String alertUrl;

    @Option(
            names = "--alertmanager-url",
            paramLabel = "URL",
            description =
                    "Alertmanager's URL (default: $PGHA_ALERTMANAGER_URL, alertmanager_url, the ./pgha up" + " suite)")
    String alertmanagerUrl;

    /** The flag naming {@code service}'s URL, if given. */
    java.util.Optional<String> serviceUrl(ServiceUrls.Service service) {
        return java.util.Optional.ofNullable(
                switch (service) {
                    case BACKUP -> backupUrl;
                    case ALERTS -> alertUrl;
                    case ALERTMANAGER -> alertmanagerUrl;
                });
    }

    /** These options where given, else {@code outer}'s (the ones before the verb). */
    ConnectionOptions or(ConnectionOptions outer) {
        ConnectionOptions merged = new ConnectionOptions();
        merged.coordinators = coordinators.isEmpty() ? outer.coordinators : coordinators;
        merged.token = token != null ? token : outer.token;
        merged.tokenFile = tokenFile != null ? tokenFile : outer.tokenFile;
        merged.configFile = configFile != null ? configFile : outer.configFile;
        merged.cacert = cacert != null ? cacert : outer.cacert;
        merged.backupUrl = backupUrl != null ? backupUrl : outer.backupUrl;
        merged.alertUrl = alertUrl != null ? alertUrl : outer.alertUrl;
        merged.alertmanagerUrl = alertmanagerUrl != null ? alertmanagerUrl : outer.alertmanagerUrl;
        return merged;
    }
}
