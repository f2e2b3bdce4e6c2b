package io.pgha.system;

import io.pgha.events.Topic;
import io.pgha.events.Topics;
import io.pgha.local.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a whole running suite could leak a secret, searched for each secret's value (issue 21): every
 * process's command line, every log file under a folder, every record on every pgha topic and its dead
 * letters, and the answers of read endpoints. A finding names the secret and where it was, never the value.
 */
final class SecretScan {
    /** Secrets shorter than this would match by chance (the local ones are 43 characters). */
    private static final int SHORTEST = 12;

    private final Map<String, String> secrets;
    private final List<String> findings = new ArrayList<>();

    /** A scan for {@code secrets}: a name ("superuser password") to its value. */
    SecretScan(Map<String, String> secrets) {
        secrets.forEach((name, value) -> {
            if (value.length() < SHORTEST) {
                throw new IllegalArgumentException(
                        name + " is shorter than " + SHORTEST + " characters: not scannable");
            }
        });
        this.secrets = Map.copyOf(secrets);
    }

    List<String> findings() {
        return List.copyOf(findings);
    }

    /** Every process's command line on this machine ({@code /proc/<pid>/cmdline}). */
    SecretScan commandLines() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                String argv;
                try {
                    argv = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
                    continue; // ended while listed
                } catch (IOException e) {
                    continue; // a process that ended between the listing and the read
                }
                check(argv, "the command line of process " + proc.getFileName() + " (" + head(argv) + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Every log file below {@code root}: a {@code *.log} or {@code *.csv} file, or any file in a {@code log(s)} folder. */
    SecretScan logsUnder(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                String parent = file.getParent().getFileName().toString();
                if (name.endsWith(".log") || name.endsWith(".csv") || parent.equals("log") || parent.equals("logs")) {
                    try {
                        check(Files.readString(file, StandardCharsets.ISO_8859_1), "log file " + file);
                    } catch (NoSuchFileException gone) {
                        // rotated away while walking
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Every record (key, value, headers) on every pgha topic and its dead-letter topic. */
    SecretScan events(String bootstrapServers) {
        return events(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** Every record on every pgha topic and dead-letter topic, read with {@code clientProperties} (a secured broker's admin). */
    SecretScan events(Map<String, Object> clientProperties) {
        for (Topic topic : Topics.ALL) {
            for (String name : List.of(topic.name(), topic.deadLetterTopic())) {
                for (ConsumerRecord<String, byte[]> r : KafkaBroker.readToEnd(clientProperties, name)) {
                    StringBuilder text = new StringBuilder();
                    text.append(r.key()).append('\n');
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.UTF_8))
                                .append('\n');
                    }
                    r.headers().forEach(h -> text.append(h.key())
                            .append('=')
                            .append(new String(h.value(), StandardCharsets.UTF_8))
                            .append('\n'));
                    check(text.toString(), "a record on " + name + " at offset " + r.offset());
                }
            }
        }
        return this;
    }

    /**
     * The bodies of GET {@code urls} through {@code http} (the cluster's client: it trusts the local CA),
     * fetched without a token (as anyone on the network may).
     */
    SecretScan responses(HttpClient http, List<String> urls) {
        for (String url : urls) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 400) {
                    throw new AssertionError("GET " + url + " answered " + response.statusCode() + ": not scanned");
                }
                check(response.body(), "the answer to GET " + url);
            } catch (IOException e) {
                throw new UncheckedIOException("GET " + url, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return this;
    }

    private void check(String text, String where) {
        secrets.forEach((name, value) -> {
            if (text.contains(value)) {
                findings.add("the " + name + " is in " + where);
            }
        });
    }

    /** The program of a command line (its first word): the rest could be the secret itself. */
    private static String head(String argv) {
        String first = argv.strip().split(" ", 2)[0];
        return first.substring(first.lastIndexOf('/') + 1);
    }
}
