package io.pgha.events;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who publishes: a pgha service and one instance of it. As a CloudEvent {@code source} it reads
 * {@code /pgha/<service>/<instance>}, e.g. {@code /pgha/health-monitor/hm-0}.
 */
public record EventSource(String service, String instance) {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern URI_FORM = Pattern.compile("/pgha/([A-Za-z0-9._~-]+)/([A-Za-z0-9._~-]+)");

    /**
     * @throws IllegalArgumentException when a part is blank or has characters other than letters,
     *     digits and {@code . _ ~ -}
     */
    public EventSource {
        check(service, "service");
        check(instance, "instance");
    }

    /** {@code name} with every character that cannot stand in a source replaced by {@code -}. */
    public static String sanitize(String name) {
        String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9._~-]", "-");
        return cleaned.isEmpty() ? "unknown" : cleaned;
    }

    /**
     * The source that {@code ceSource} names, when it is exactly {@code /pgha/<service>/<instance>}
     * (the form {@link #uri()} writes); empty for anything else (null, another form, other characters).
     */
    public static Optional<EventSource> parse(String ceSource) {
        if (ceSource == null) {
            return Optional.empty();
        }
        Matcher matcher = URI_FORM.matcher(ceSource);
        return matcher.matches() ? Optional.of(new EventSource(matcher.group(1), matcher.group(2))) : Optional.empty();
    }

    /** {@code /pgha/<service>/<instance>}. */
    public URI uri() {
        return URI.create("/pgha/" + service + "/" + instance);
    }

    private static void check(String value, String what) {
        if (value == null || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException("the event source's " + what + " '" + value + "' is not usable in a"
                    + " CloudEvent source: use letters, digits and . _ ~ - only");
        }
    }
}
