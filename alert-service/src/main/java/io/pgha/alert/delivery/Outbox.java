package io.pgha.alert.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Pending notifications on disk: {@code <root>/<receiver key>/<seq, 19 digits>-<fingerprint>.json},
 * one file per notification and receiver. A file is written to {@code .tmp}, fsynced, renamed into
 * place and the folder fsynced, so it is either complete or absent after a crash; it is deleted once
 * delivered (or superseded).
 */
public final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class);
    private static final int FORMAT = 1;

    private final Path root;
    private final AtomicLong lastSeq;

    private Outbox(Path root, long lastSeq) {
        this.root = root;
        this.lastSeq = new AtomicLong(lastSeq);
    }

    /** Opens (creating) {@code root}; new notifications are numbered after every one already in it. */
    public static Outbox open(Path root) {
        try {
            Files.createDirectories(root);
            long max = 0;
            try (Stream<Path> files = Files.walk(root, 2)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    max = Math.max(max, seqOf(file.getFileName().toString()));
                }
            }
            return new Outbox(root, max);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the alert outbox " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    /** The number of the next notification. */
    public long nextSeq() {
        return lastSeq.incrementAndGet();
    }

    /** Every pending notification of {@code receiver}, oldest first; left-over temp files are removed. */
    public List<Notification> load(Receiver receiver) {
        Path dir = dir(receiver);
        List<Notification> pending = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.delete(file);
                } else if (name.endsWith(".json")) {
                    read(file).ifPresent(pending::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the alert outbox " + dir, e);
        }
        pending.sort(Comparator.comparingLong(Notification::seq));
        return pending;
    }

    /** Persists {@code n} for {@code receiver}; when this returns it survives a crash. */
    public void write(Receiver receiver, Notification n) {
        Path dir = dir(receiver);
        Path file = dir.resolve(fileName(n));
        Path temp = dir.resolve(fileName(n) + ".tmp");
        byte[] bytes = toJson(receiver, n).getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel channel = FileChannel.open(
                    temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            syncDir(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist an alert notification in " + dir, e);
        }
    }

    /** Removes a delivered or superseded notification; one already gone is fine. */
    public void delete(Receiver receiver, Notification n) {
        try {
            Files.deleteIfExists(dir(receiver).resolve(fileName(n)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete a delivered alert notification in " + dir(receiver), e);
        }
    }

    /** The folder of {@code receiver}, created when missing. */
    public Path dir(Receiver receiver) {
        Path dir = root.resolve(receiver.key());
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir, e);
        }
    }

    static String fileName(Notification n) {
        return String.format("%019d-%s.json", n.seq(), n.fingerprint());
    }

    static String toJson(Receiver receiver, Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", FORMAT);
        body.put("receiver", receiver.shown());
        body.put("seq", n.seq());
        body.put("fingerprint", n.fingerprint());
        body.put("status", n.status().wire());
        body.put("labels", new TreeMap<>(n.labels()));
        body.put("annotations", new TreeMap<>(n.annotations()));
        body.put("startsAt", n.startsAt().toString());
        body.put("endsAt", n.endsAt() == null ? null : n.endsAt().toString());
        body.put("generatorURL", n.generatorUrl());
        body.put("createdAt", n.createdAt().toString());
        return Json.write(body);
    }

    static Notification fromJson(String json) throws IOException {
        JsonNode node = Json.MAPPER.readTree(json);
        if (node == null || node.path("format").asInt() != FORMAT) {
            throw new IOException("not an outbox file of format " + FORMAT);
        }
        return new Notification(
                node.path("seq").asLong(),
                node.path("fingerprint").asText(),
                Notification.Status.ofWire(node.path("status").asText()),
                strings(node.path("labels")),
                strings(node.path("annotations")),
                Instant.parse(node.path("startsAt").asText()),
                node.path("endsAt").isNull()
                        ? null
                        : Instant.parse(node.path("endsAt").asText()),
                node.path("generatorURL").asText(),
                Instant.parse(node.path("createdAt").asText()));
    }

    private java.util.Optional<Notification> read(Path file) throws IOException {
        try {
            return java.util.Optional.of(fromJson(Files.readString(file)));
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.errorf("alert outbox file %s is unreadable (%s): moved to %s, not delivered", file, e, aside);
            return java.util.Optional.empty();
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static long seqOf(String fileName) {
        int dash = fileName.indexOf('-');
        if (dash != 19) {
            return 0;
        }
        try {
            return Long.parseLong(fileName.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void syncDir(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
