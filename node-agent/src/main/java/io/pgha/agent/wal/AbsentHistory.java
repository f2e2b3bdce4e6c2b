package io.pgha.agent.wal;

import io.pgha.repository.wal.WalArchive;
import io.pgha.repository.wal.WalName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Markers that a timeline history file is not in this cluster's archive, which restore_command's prefix
 * answers "not found" without a curl ({@link ArchiveCommands#restoreCommand}): {@code <node>/wal-absent/
 * <name>}. A promotion marks the history file of the next timeline (the one PostgreSQL's promotion probes
 * through restore_command to pick a timeline id no one used, once while it rescans and once when it
 * picks) for the time of the promotion only, after the archive confirmed it has none. Only a member that
 * runs on that next timeline could archive it meanwhile, and only a member holding the leader key is
 * promoted. Emptied when the agent starts; a marker that names another file than PostgreSQL asks for
 * only leaves that request to the archive, as before. See DESIGN.md, "WAL archive".
 */
public final class AbsentHistory {
    private static final Logger LOG = Logger.getLogger(AbsentHistory.class);
    /** The folder beside the archive's header file that holds the markers. */
    static final String FOLDER = "wal-absent";

    private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

    /** Removes a marker (nothing when there is none). */
    @FunctionalInterface
    public interface Mark extends AutoCloseable {
        Mark NONE = () -> {};

        @Override
        void close();
    }

    private final Path dir;

    /** Empties (or creates) {@code <nodeDir>/wal-absent}. */
    AbsentHistory(Path nodeDir) {
        this.dir = nodeDir.resolve(FOLDER);
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir)) {
                for (Path p : stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    /**
     * The timeline PostgreSQL's promotion probes first (pure): one above the newest history file among
     * {@code pgWalNames}, or 2 when there is none (timeline 1 has no history file).
     */
    static int nextTimeline(List<String> pgWalNames) {
        int newest = 1;
        for (String name : pgWalNames) {
            if (HISTORY.matcher(name).matches()) {
                newest = Math.max(newest, Integer.parseUnsignedInt(name.substring(0, 8), 16));
            }
        }
        return newest + 1;
    }

    /**
     * Marks the next timeline's history file as absent if {@code archive} confirms it has none; the
     * returned mark removes it. Any failure leaves no marker (restore_command asks the archive then).
     */
    Mark beforePromotion(WalArchive archive, Path pgWal) {
        try {
            WalName next = WalName.historyOf(nextTimeline(names(pgWal)));
            if (Files.exists(pgWal.resolve(next.name())) || archive.contains(next)) {
                return Mark.NONE;
            }
            Path marker = dir.resolve(next.name());
            Files.writeString(marker, "");
            LOG.debugf("%s is not in the archive: restore_command answers so during the promotion", next);
            return () -> {
                try {
                    Files.deleteIfExists(marker);
                } catch (IOException e) {
                    LOG.warnf(
                            "cannot remove %s (restore_command would answer %s as absent): %s",
                            marker, next, e.getMessage());
                }
            };
        } catch (IOException | RuntimeException e) {
            LOG.debugf("no marker for the next timeline's history file: %s", e.getMessage());
            return Mark.NONE;
        }
    }

    private static List<String> names(Path pgWal) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pgWal, "*.history")) {
            for (Path f : files) {
                names.add(f.getFileName().toString());
            }
        }
        return names;
    }
}
