package io.pgha.backup.decide;

import java.util.ArrayList;
import java.util.List;

/**
 * Which logical backup runs to remove: complete runs beyond the newest {@code keep}, failed runs older
 * than the oldest kept one, and runs left RUNNING by a killed instance (not {@code live}). Pure.
 */
public final class DumpRetention {
    private DumpRetention() {}

    /** A run as retention sees it. */
    public record Run(String id, String state) {}

    /** The ids to remove; {@code runs} oldest first. */
    public static List<String> remove(List<Run> runs, int keep, String live) {
        List<Run> complete =
                runs.stream().filter(r -> r.state().equals("COMPLETE")).toList();
        List<String> remove = new ArrayList<>();
        int drop = Math.max(0, complete.size() - keep);
        String oldestKept = complete.size() > drop ? complete.get(drop).id() : null;
        for (int i = 0; i < drop; i++) {
            remove.add(complete.get(i).id());
        }
        for (Run r : runs) {
            boolean abandoned = r.state().equals("RUNNING") && !r.id().equals(live);
            boolean oldFailure = r.state().equals("FAILED") && oldestKept != null && r.id().compareTo(oldestKept) < 0;
            if (abandoned || oldFailure) {
                remove.add(r.id());
            }
        }
        return remove.stream().sorted().toList();
    }
}
