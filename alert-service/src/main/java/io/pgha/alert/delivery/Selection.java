package io.pgha.alert.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which notifications a receiver's loop sends next (pure). Per fingerprint only the newest pending
 * notification counts: a newer one supersedes an older undelivered one, so a resolve is never
 * overtaken by an older fire. Re-sends go after the pending ones and are left out for a fingerprint
 * that has a pending notification (that one says more) or whose last change was a resolve (a stale
 * snapshot of the firing set must not re-open it).
 */
public final class Selection {
    private Selection() {}

    /**
     * What to send and what to drop.
     *
     * @param send the newest pending notification per fingerprint (oldest first, at most the batch
     *     size), then the re-sends that still apply
     * @param superseded pending notifications that a newer one for the same fingerprint replaces
     */
    public record Plan(List<Notification> send, List<Notification> superseded) {
        public boolean isEmpty() {
            return send.isEmpty() && superseded.isEmpty();
        }
    }

    /**
     * @param pending persisted notifications not yet delivered, any order
     * @param resends still-firing alerts to re-send (Alertmanagers only; empty for a webhook)
     * @param resolved fingerprints whose last change was a resolve
     * @param maxBatch the most notifications to send at once
     */
    public static Plan plan(
            List<Notification> pending, List<Notification> resends, Set<String> resolved, int maxBatch) {
        Map<String, Notification> newest = new HashMap<>();
        List<Notification> superseded = new ArrayList<>();
        for (Notification n : pending) {
            Notification other = newest.get(n.fingerprint());
            if (other == null || other.seq() < n.seq()) {
                newest.put(n.fingerprint(), n);
                if (other != null) {
                    superseded.add(other);
                }
            } else {
                superseded.add(n);
            }
        }
        List<Notification> send = new ArrayList<>(newest.values());
        send.sort(Comparator.comparingLong(Notification::seq));
        for (Notification r : resends) {
            if (!newest.containsKey(r.fingerprint()) && !resolved.contains(r.fingerprint())) {
                send.add(r);
            }
        }
        superseded.sort(Comparator.comparingLong(Notification::seq));
        return new Plan(List.copyOf(send.subList(0, Math.min(send.size(), maxBatch))), List.copyOf(superseded));
    }
}
