package io.pgha.alert.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One place notifications go: an Alertmanager (base URL; alerts are posted to {@code
 * /api/v2/alerts}) or a generic webhook (the URL itself).
 *
 * @param key its outbox folder and metrics tag: kind and a hash of the URL, stable across restarts
 */
public record Receiver(Kind kind, URI url, String key) {
    /** What speaks at the other end. */
    public enum Kind {
        ALERTMANAGER,
        WEBHOOK
    }

    public static Receiver alertmanager(URI baseUrl) {
        return new Receiver(Kind.ALERTMANAGER, baseUrl, key(Kind.ALERTMANAGER, baseUrl));
    }

    public static Receiver webhook(URI url) {
        return new Receiver(Kind.WEBHOOK, url, key(Kind.WEBHOOK, url));
    }

    /** Where the loop posts. */
    public URI target() {
        if (kind == Kind.WEBHOOK) {
            return url;
        }
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v2/alerts");
    }

    /** The URL without user info, for logs and metrics. */
    public String shown() {
        return url.getUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "");
    }

    private static String key(Kind kind, URI url) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            String prefix = kind == Kind.ALERTMANAGER ? "alertmanager-" : "webhook-";
            return prefix + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + shown();
    }
}
