package io.pgha.alert.rules;

import io.pgha.events.AlertEvent.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert instance, as Alertmanager sees it: labels identify it, annotations describe it.
 *
 * @param name the {@code alertname}
 * @param cluster the cluster
 * @param member the member it is about, or null for the whole cluster
 * @param severity critical, warning or info
 * @param summary one line for humans
 * @param description what was seen, with the numbers
 * @param runbookUrl where the runbook is
 * @param startsAt when the condition began
 * @param scope further labels that tell this alert from others of its name and cluster (say
 *     {@code database} and {@code user} of a pool); never one of the labels above
 */
public record Alert(
        AlertName name,
        String cluster,
        String member,
        Severity severity,
        String summary,
        String description,
        String runbookUrl,
        Instant startsAt,
        Map<String, String> scope) {
    /** The labels every alert has; {@link #scope()} adds others. */
    public static final java.util.Set<String> STANDARD_LABELS =
            java.util.Set.of("alertname", "cluster", "member", "severity");

    public Alert {
        scope = scope == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(scope));
        for (String label : scope.keySet()) {
            if (STANDARD_LABELS.contains(label)) {
                throw new IllegalArgumentException("scope label '" + label + "' is one of the standard labels");
            }
        }
    }

    /**
     * {@code alertname}, {@code cluster}, {@code member} (when there is one), {@code severity} and the
     * {@link #scope()} labels; sorted.
     */
    public Map<String, String> labels() {
        TreeMap<String, String> labels = new TreeMap<>(scope);
        labels.put("alertname", name.name());
        labels.put("cluster", cluster);
        if (member != null) {
            labels.put("member", member);
        }
        labels.put("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
        return labels;
    }

    /** {@code summary}, {@code description}, {@code runbook_url}; sorted. */
    public Map<String, String> annotations() {
        TreeMap<String, String> annotations = new TreeMap<>();
        annotations.put("summary", summary);
        annotations.put("description", description);
        annotations.put("runbook_url", runbookUrl);
        return annotations;
    }

    /**
     * A stable hash of the sorted labels only (never of times or text), so every replica that sees
     * the same condition names it the same: the first 16 hex digits of SHA-256 over
     * {@code name=value\n} per label.
     */
    public String fingerprint() {
        return fingerprint(labels());
    }

    static String fingerprint(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(labels)
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
