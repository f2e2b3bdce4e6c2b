package io.pgha.renderer.pool;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * HAProxy's view of the pooled cluster's read-write backend: how many of its servers are up (the
 * signal that pauses the pools when the primary is lost, {@link PoolPause#readWriteServers}).
 */
public interface ReadWriteBackend {
    /** Never known: the pools are never paused for a lost primary. */
    ReadWriteBackend NONE = () -> OptionalInt.empty();

    /** Servers up in the read-write backend; empty when HAProxy cannot be asked or has no such backend yet. */
    OptionalInt upServers();

    /**
     * The {@code act} column (active servers up) of the {@code BACKEND} row of {@code <backend>} in the
     * answer to the runtime API's {@code show stat} (CSV, header {@code # pxname,svname,...}); empty when
     * the answer has no such row or column (pure).
     */
    static OptionalInt activeServers(String showStat, String backend) {
        List<String> lines = showStat.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return OptionalInt.empty();
        }
        List<String> header = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        int pxname = header.indexOf("pxname");
        int svname = header.indexOf("svname");
        int act = header.indexOf("act");
        if (pxname < 0 || svname < 0 || act < 0) {
            return OptionalInt.empty();
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length > act && fields[pxname].equals(backend) && fields[svname].equals("BACKEND")) {
                try {
                    return OptionalInt.of(Integer.parseInt(fields[act]));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
            }
        }
        return OptionalInt.empty();
    }
}
