package io.pgha.alert.delivery;

import io.pgha.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The request bodies (pure): Alertmanager API v2 and pgha's generic webhook. */
public final class Payloads {
    private Payloads() {}

    /**
     * {@code POST /api/v2/alerts}: one element per notification. A firing alert gets {@code endsAt =
     * now + firingLease} (as Prometheus does: Alertmanager resolves it by itself unless it is re-sent
     * before then); a resolved one its own {@code endsAt}.
     */
    public static String alertmanager(List<Notification> batch, Instant now, Duration firingLease) {
        return Json.write(batch.stream()
                .map(n -> {
                    Map<String, Object> alert = new LinkedHashMap<>();
                    alert.put("labels", new TreeMap<>(n.labels()));
                    alert.put("annotations", new TreeMap<>(n.annotations()));
                    alert.put("startsAt", n.startsAt().toString());
                    alert.put("endsAt", endsAt(n, now, firingLease).toString());
                    alert.put("generatorURL", n.generatorUrl());
                    return alert;
                })
                .toList());
    }

    /** When Alertmanager should consider the alert over. */
    static Instant endsAt(Notification n, Instant now, Duration firingLease) {
        return n.status() == Notification.Status.RESOLVED ? n.endsAt() : now.plus(firingLease);
    }

    /**
     * The generic webhook body, one per notification: {@code version} ("1"), {@code status}
     * (firing|resolved), {@code fingerprint}, {@code labels}, {@code annotations}, {@code startsAt},
     * {@code endsAt} (null while firing), {@code generatorURL}.
     */
    public static String webhook(Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", "1");
        body.put("status", n.status().wire());
        body.put("fingerprint", n.fingerprint());
        body.put("labels", new TreeMap<>(n.labels()));
        body.put("annotations", new TreeMap<>(n.annotations()));
        body.put("startsAt", n.startsAt().toString());
        body.put("endsAt", n.endsAt() == null ? null : n.endsAt().toString());
        body.put("generatorURL", n.generatorUrl());
        return Json.write(body);
    }
}
