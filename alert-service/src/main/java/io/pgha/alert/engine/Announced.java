package io.pgha.alert.engine;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertName;
import io.pgha.events.AlertEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The alerts announced on pgha.alerts and not resolved since, by fingerprint, folded from the
 * records read back at a replay (any replica's). Pure.
 */
public final class Announced {
    private Announced() {}

    /**
     * {@code announced} after {@code event}: a fired alert is added, a resolved one removed. A fired
     * alert this version cannot rebuild (an unknown alert name, or a fingerprint that is not its
     * labels') is left out: the evaluation after the replay decides about it afresh.
     */
    public static Map<String, Alert> fold(Map<String, Alert> announced, AlertEvent event) {
        Map<String, Alert> next = new HashMap<>(announced);
        if (event instanceof AlertEvent.AlertFired fired) {
            alertOf(fired).ifPresent(alert -> next.put(alert.fingerprint(), alert));
        } else if (event instanceof AlertEvent.AlertResolved resolved) {
            next.remove(resolved.fingerprint());
        }
        return next;
    }

    /** The alert {@code fired} announced, when this version knows its name and its fingerprint matches. */
    static Optional<Alert> alertOf(AlertEvent.AlertFired fired) {
        boolean known = Arrays.stream(AlertName.values()).anyMatch(n -> n.name().equals(fired.alert()));
        if (!known) {
            return Optional.empty();
        }
        Alert alert = new Alert(
                AlertName.valueOf(fired.alert()),
                fired.cluster(),
                fired.member(),
                fired.severity(),
                fired.summary(),
                fired.annotations().getOrDefault("description", ""),
                fired.annotations().getOrDefault("runbook_url", ""),
                fired.startsAt(),
                scope(fired.labels()));
        return alert.fingerprint().equals(fired.fingerprint()) ? Optional.of(alert) : Optional.empty();
    }

    /** The labels of an announced alert beyond the standard ones (a pool's {@code database} and {@code user}). */
    private static Map<String, String> scope(Map<String, String> labels) {
        Map<String, String> scope = new HashMap<>(labels);
        scope.keySet().removeAll(Alert.STANDARD_LABELS);
        return scope;
    }
}
