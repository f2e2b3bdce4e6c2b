package io.pgha.alert.engine;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the first evaluation after a replay decides for one cluster, given the alerts announced
 * before (read back from pgha.alerts) and those whose condition holds now. Pure.
 *
 * @param active the alerts firing from now on, by fingerprint
 * @param reannounced alerts announced before that still fire: the same fingerprint and the
 *     announced {@code startsAt}, with today's text; announced again (Alertmanager deduplicates)
 * @param changes alerts that fire for the first time, and announced ones that no longer fire
 *     (resolved at {@code now}: they stopped while nobody was watching)
 */
public record Recovery(Map<String, Alert> active, List<Alert> reannounced, List<AlertChange> changes) {
    public Recovery {
        active = Map.copyOf(active);
        reannounced = List.copyOf(reannounced);
        changes = List.copyOf(changes);
    }

    /** Decides for {@code firingNow} (the rules' answer at {@code now}) against {@code announced}. */
    public static Recovery decide(Map<String, Alert> announced, List<Alert> firingNow, Instant now) {
        Map<String, Alert> wanted = new LinkedHashMap<>();
        firingNow.forEach(alert -> wanted.putIfAbsent(alert.fingerprint(), alert));
        Map<String, Alert> active = new LinkedHashMap<>();
        List<Alert> reannounced = new ArrayList<>();
        List<AlertChange> changes = new ArrayList<>();
        wanted.forEach((fingerprint, alert) -> {
            Alert before = announced.get(fingerprint);
            if (before == null) {
                changes.add(new AlertChange.Fired(alert));
                active.put(fingerprint, alert);
            } else {
                Alert again = withStart(alert, before.startsAt());
                reannounced.add(again);
                active.put(fingerprint, again);
            }
        });
        new TreeMap<>(announced).forEach((fingerprint, alert) -> {
            if (!wanted.containsKey(fingerprint)) {
                changes.add(new AlertChange.Resolved(alert, now));
            }
        });
        return new Recovery(active, reannounced, changes);
    }

    private static Alert withStart(Alert a, Instant startsAt) {
        return new Alert(
                a.name(),
                a.cluster(),
                a.member(),
                a.severity(),
                a.summary(),
                a.description(),
                a.runbookUrl(),
                startsAt,
                a.scope());
    }
}
