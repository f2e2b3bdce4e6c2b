package io.pgha.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pghactl report}: a zip for a bug report of what the services say about a cluster, every secret
 * redacted ({@link Redaction}). What could not be read is listed in {@code errors.txt}, not fatal.
 */
@Command(
        name = "report",
        description = "A zip for a bug report: the cluster's status, config, history, each member's /patroni,"
                + " backup status and list, alerts (and the ./pgha up suite's log tails); secrets redacted.",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExample:%n",
        footer = {"  pghactl report pgha -o /tmp/pgha-report.zip"})
class ReportCommand extends ServiceVerb {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    static final int LOG_LINES = 300;

    @Mixin
    ClusterArgument cluster;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "The zip to write (default: pgha-report-<cluster>-<time>.zip here)")
    Path output;

    @Override
    int run() {
        Instant now = Instant.now();
        String name = cluster(cluster.name);
        Map<String, String> entries = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        entries.put("pghactl.txt", about(name, now));
        String base = API + "/" + name;
        Optional<String> view = fetch(errors, "cluster.json", () -> coordinator(base));
        view.ifPresent(v -> entries.put("cluster.json", v));
        fetch(errors, "config.json", () -> coordinator(base + "/config")).ifPresent(v -> entries.put("config.json", v));
        fetch(errors, "history.json", () -> coordinator(base + "/history"))
                .ifPresent(v -> entries.put("history.json", v));
        view.ifPresent(v -> {
            for (ClusterView.Member m :
                    ClusterView.of(Json.read(v, "the cluster view")).members()) {
                String entry = "members/" + m.name() + ".patroni.json";
                fetch(
                                errors,
                                entry,
                                () -> body(api().agent(
                                                m.name(),
                                                m.apiUrl(),
                                                "GET",
                                                "/patroni",
                                                null,
                                                java.time.Duration.ofSeconds(3))))
                        .ifPresent(p -> entries.put(entry, p));
            }
        });
        fetch(errors, "backup-status.json", () -> service(ServiceUrls.Service.BACKUP, name, base + "/status"))
                .ifPresent(v -> entries.put("backup-status.json", v));
        fetch(errors, "backups.json", () -> service(ServiceUrls.Service.BACKUP, name, base + "/backups?all=true"))
                .ifPresent(v -> entries.put("backups.json", v));
        fetch(errors, "alerts.json", () -> service(ServiceUrls.Service.ALERTS, name, base + "/alerts"))
                .ifPresent(v -> entries.put("alerts.json", v));
        localLogs(entries);
        if (!errors.isEmpty()) {
            entries.put("errors.txt", String.join("\n", errors) + "\n");
        }
        List<String> known = connection().token().map(List::of).orElse(List.of());
        Path file = output != null ? output : Path.of("pgha-report-" + name + "-" + STAMP.format(now) + ".zip");
        try {
            Files.write(file, zip(entries, known));
        } catch (IOException e) {
            throw CtlException.failed("cannot write " + file + ": " + e.getMessage());
        }
        out().println("Wrote " + file.toAbsolutePath() + " (" + entries.size() + " files, secrets redacted"
                + (errors.isEmpty() ? "" : "; " + errors.size() + " parts could not be read, see errors.txt") + ")");
        return ExitCode.OK;
    }

    private String about(String name, Instant now) {
        Connection c = connection();
        return "pghactl report of cluster " + name + " at " + now + "\n"
                + "pghactl " + VersionCommand.version() + "\n"
                + "coordinators: " + c.coordinators() + " (from " + c.endpointSource() + ")\n"
                + "token: " + (c.token().isPresent() ? "given" : "none") + " (" + c.tokenSource() + ")\n";
    }

    private String coordinator(String path) {
        return body(api().get(path));
    }

    private String service(ServiceUrls.Service service, String cluster, String path) {
        return body(call(service, cluster, "GET", path, null));
    }

    private static String body(Api.Answer answer) {
        if (!answer.ok()) {
            throw CtlException.failed(answer.status() + " from " + answer.uri() + ": " + answer.reason());
        }
        return answer.body();
    }

    private static Optional<String> fetch(List<String> errors, String entry, Supplier<String> read) {
        try {
            return Optional.of(read.get());
        } catch (CtlException e) {
            errors.add(entry + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The tail of each log of the checkout's {@code ./pgha up} suite, when pghactl talks to it. */
    private void localLogs(Map<String, String> entries) {
        if (!connection().endpointSource().endsWith("(./pgha up)")) {
            return;
        }
        localCheckout()
                .map(l -> l.home().resolve("logs"))
                .filter(Files::isDirectory)
                .ifPresent(dir -> {
                    try (Stream<Path> logs = Files.list(dir)) {
                        logs.filter(p -> p.toString().endsWith(".log")).sorted().forEach(p -> {
                            try {
                                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                                entries.put(
                                        "logs/" + p.getFileName(),
                                        String.join(
                                                        "\n",
                                                        lines.subList(
                                                                Math.max(0, lines.size() - LOG_LINES), lines.size()))
                                                + "\n");
                            } catch (IOException | RuntimeException e) {
                                entries.put("logs/" + p.getFileName(), "(not readable: " + e.getMessage() + ")\n");
                            }
                        });
                    } catch (IOException e) {
                        entries.put("logs/README.txt", "(cannot list " + dir + ": " + e.getMessage() + ")\n");
                    }
                });
    }

    /** The zip of {@code entries}, each redacted: JSON field by field, anything else as text. Pure. */
    static byte[] zip(Map<String, String> entries, Collection<String> knownSecrets) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(redacted(e.getKey(), e.getValue(), knownSecrets).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static String redacted(String name, String content, Collection<String> knownSecrets) {
        if (name.endsWith(".json")) {
            try {
                JsonNode node = Json.MAPPER.readTree(content);
                return Json.pretty(Redaction.json(node, knownSecrets)) + "\n";
            } catch (IOException e) {
                // not JSON after all: redacted as text
            }
        }
        return Redaction.text(content, knownSecrets);
    }
}
