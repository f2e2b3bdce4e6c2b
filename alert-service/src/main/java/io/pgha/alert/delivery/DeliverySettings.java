package io.pgha.alert.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checked delivery settings; {@link #from(DeliveryConfig)} stops the service naming the property when
 * one is wrong.
 *
 * @param outboxDir the persisted outbox; present whenever {@code receivers} is not empty
 * @param receivers every Alertmanager, then every webhook
 * @param generatorUrlBase base of {@code generatorURL}, without a trailing slash
 * @param firingLease how far ahead a firing alert's endsAt lies (ends-at-factor x resend-interval)
 */
public record DeliverySettings(
        Optional<Path> outboxDir,
        List<Receiver> receivers,
        String generatorUrlBase,
        Duration firingLease,
        Backoff backoff,
        Duration requestTimeout,
        int maxBatch) {

    /** The {@code generatorURL} of an alert of {@code cluster}. */
    public String generatorUrl(String cluster) {
        return generatorUrlBase + "/api/v1/clusters/" + URLEncoder.encode(cluster, StandardCharsets.UTF_8) + "/alerts";
    }

    /** Checks {@code config}; throws {@link IllegalArgumentException} naming the property and the rule. */
    public static DeliverySettings from(DeliveryConfig config) {
        List<Receiver> receivers = new ArrayList<>();
        urls("pgha.alert.alertmanagers", config.alertmanagers()).forEach(u -> receivers.add(Receiver.alertmanager(u)));
        urls("pgha.alert.webhooks", config.webhooks()).forEach(u -> receivers.add(Receiver.webhook(u)));
        Optional<Path> outbox = config.outboxDir().filter(s -> !s.isBlank()).map(Path::of);
        if (!receivers.isEmpty() && outbox.isEmpty()) {
            throw new IllegalArgumentException("missing setting pgha.alert.outbox-dir: pending notifications to "
                    + "pgha.alert.alertmanagers / pgha.alert.webhooks must survive a restart; give a folder");
        }
        outbox.ifPresent(dir -> {
            if (!dir.isAbsolute()) {
                throw new IllegalArgumentException(
                        "invalid setting pgha.alert.outbox-dir: " + dir + " must be an absolute path");
            }
        });
        String base = url("pgha.alert.generator-url", config.generatorUrl()).toString();
        if (config.resendInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.alert.resend-interval: " + config.resendInterval() + " must be at least 1s");
        }
        if (config.endsAtFactor() < 2) {
            throw new IllegalArgumentException("invalid setting pgha.alert.ends-at-factor: " + config.endsAtFactor()
                    + " must be at least 2 (one missed re-send must not resolve an alert)");
        }
        Backoff backoff;
        try {
            backoff = new Backoff(config.backoff().initial(), config.backoff().max());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.alert.backoff.initial / pgha.alert.backoff.max: " + e.getMessage());
        }
        if (config.requestTimeout().compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("invalid setting pgha.alert.request-timeout: " + config.requestTimeout()
                    + " must be at least 100ms");
        }
        if (config.maxBatch() < 1) {
            throw new IllegalArgumentException(
                    "invalid setting pgha.alert.max-batch: " + config.maxBatch() + " must be at least 1");
        }
        return new DeliverySettings(
                outbox,
                List.copyOf(receivers),
                base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                config.resendInterval().multipliedBy(config.endsAtFactor()),
                backoff,
                config.requestTimeout(),
                config.maxBatch());
    }

    private static List<URI> urls(String property, Optional<List<String>> values) {
        List<URI> urls = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        for (String value : values.orElse(List.of())) {
            if (value.isBlank()) {
                continue;
            }
            URI url = url(property, value.strip());
            if (!seen.add(url)) {
                throw new IllegalArgumentException("invalid setting " + property + ": " + url
                        + " is listed twice (each would get every alert twice)");
            }
            urls.add(url);
        }
        return urls;
    }

    /** An absolute http(s) URL with a host, no query or fragment. */
    static URI url(String property, String value) {
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid setting " + property + ": '" + value + "' is not a URL ("
                    + e.getReason() + "); give e.g. http://127.0.0.1:9093");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || url.getHost() == null
                || url.getRawQuery() != null
                || url.getRawFragment() != null) {
            throw new IllegalArgumentException("invalid setting " + property + ": '" + value
                    + "' must be an http(s) URL with a host and no query or fragment, e.g. http://127.0.0.1:9093");
        }
        return url;
    }
}
