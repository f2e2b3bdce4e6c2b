package io.pgha.alert.engine;

import io.pgha.alert.rules.AlertName;
import io.pgha.alert.rules.Thresholds;
import io.pgha.core.EtcdLayout;
import io.pgha.events.AlertEvent.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The checked settings of the engine, made from {@link AlertConfig} at start. Every problem names
 * its property; {@link #of} throws with all of them so a bad value stops the service.
 *
 * @param name this replica's name
 * @param thresholds the rules' knobs
 * @param evaluateInterval the timer's period
 * @param resendInterval how often firing alerts are handed to the sink again
 * @param replayWindow how far back the time-retention topics are read at start
 * @param alertsReplayWindow how far back pgha.alerts is read at start
 */
public record AlertSettings(
        String name,
        Thresholds thresholds,
        Duration evaluateInterval,
        Duration resendInterval,
        Duration replayWindow,
        Duration alertsReplayWindow) {
    static final String PREFIX = "pgha.alert.";

    /** The settings of {@code c}; throws {@link IllegalStateException} naming every bad property. */
    public static AlertSettings of(AlertConfig c) {
        List<String> problems = new ArrayList<>();
        try {
            EtcdLayout.requireName("replica", c.name());
        } catch (IllegalArgumentException e) {
            problems.add(PREFIX + "name: " + e.getMessage());
        }
        positive("evaluate-interval", c.evaluateInterval(), problems);
        positive("resend-interval", c.resendInterval(), problems);
        notNegative("replay-window", c.replayWindow(), problems);
        notNegative("alerts-replay-window", c.alertsReplayWindow(), problems);
        Map<AlertName, Severity> severities = severities(c.severity(), problems);
        Thresholds thresholds = null;
        try {
            thresholds = new Thresholds(
                    c.memberDownFor(),
                    c.replicaNotStreamingFor(),
                    c.syncStandbyMissingFor(),
                    c.lagBytesWarning(),
                    c.lagBytesCritical(),
                    c.lagSecondsWarning(),
                    c.lagSecondsCritical(),
                    c.noPrimaryFor(),
                    c.twoPrimariesHold(),
                    c.happenedHold(),
                    c.archiveStalledAfter(),
                    c.backupOverdueAfter(),
                    c.connectionsWarningRatio(),
                    c.connectionsCriticalRatio(),
                    c.healthMonitorSilentAfter(),
                    c.coordinatorSilentAfter(),
                    new Thresholds.PoolSaturation(
                            c.poolWaitWarning(), c.poolWaitCritical(), c.poolSaturatedFor(), c.poolStaleAfter()),
                    severities,
                    c.runbookBaseUrl());
        } catch (IllegalArgumentException e) {
            // Thresholds names the property without its prefix, e.g. "member-down-for is PT-1S: ..."
            problems.add(PREFIX + e.getMessage());
        }
        if (c.lagBytesWarning() < 0) {
            problems.add(PREFIX + "lag-bytes-warning is " + c.lagBytesWarning() + ": give zero or more bytes");
        }
        if (c.lagSecondsWarning() < 0) {
            problems.add(PREFIX + "lag-seconds-warning is " + c.lagSecondsWarning() + ": give zero or more seconds");
        }
        if (c.connectionsWarningRatio() <= 0) {
            problems.add(PREFIX + "connections-warning-ratio is " + c.connectionsWarningRatio()
                    + ": give a ratio above 0, e.g. 0.80");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "alert-service: invalid settings, fix these properties:\n  " + String.join("\n  ", problems));
        }
        return new AlertSettings(
                c.name(),
                thresholds,
                c.evaluateInterval(),
                c.resendInterval(),
                c.replayWindow(),
                c.alertsReplayWindow());
    }

    private static Map<AlertName, Severity> severities(Map<String, String> raw, List<String> problems) {
        Map<AlertName, Severity> out = new EnumMap<>(AlertName.class);
        raw.forEach((alert, value) -> {
            String property = PREFIX + "severity." + alert;
            AlertName name = Arrays.stream(AlertName.values())
                    .filter(n -> n.name().equals(alert))
                    .findFirst()
                    .orElse(null);
            Severity severity = Arrays.stream(Severity.values())
                    .filter(s -> s.name().equalsIgnoreCase(value.trim()))
                    .findFirst()
                    .orElse(null);
            if (name == null) {
                problems.add(
                        property + ": no alert is named " + alert + "; known: " + Arrays.toString(AlertName.values()));
            } else if (severity == null) {
                problems.add(property + "=" + value + ": give critical, warning or info");
            } else {
                out.put(name, severity);
            }
        });
        return out;
    }

    private static void positive(String property, Duration d, List<String> problems) {
        if (d.isZero() || d.isNegative()) {
            problems.add(PREFIX + property + "=" + d + " must be longer than zero");
        }
    }

    private static void notNegative(String property, Duration d, List<String> problems) {
        if (d.isNegative()) {
            problems.add(PREFIX + property + "=" + d + " must not be negative");
        }
    }
}
