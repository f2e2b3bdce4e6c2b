package io.pgha.ctl;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Coordinator endpoints as an operator writes them ({@code host:port}, a URL, comma-separated). Pure. */
public final class Endpoints {
    private Endpoints() {}

    /** {@code "a:8020, http://b:8020"} → its parts, blanks dropped. */
    public static List<String> split(String list) {
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /**
     * Each endpoint as a base URI without a trailing slash; {@code host:port} gets {@code http://}. A usage
     * error names the value and where it came from.
     */
    public static List<URI> parse(List<String> endpoints, String source) {
        List<URI> uris = new ArrayList<>();
        for (String raw : endpoints) {
            String text = raw.strip();
            if (!text.contains("://")) {
                text = "http://" + text;
            }
            while (text.endsWith("/")) {
                text = text.substring(0, text.length() - 1);
            }
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw CtlException.usage("coordinator endpoint '" + raw + "' (from " + source
                        + ") is not a URL: write http://host:port");
            }
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw CtlException.usage(
                        "coordinator endpoint '" + raw + "' (from " + source + ") is not an http(s)://host:port URL");
            }
            uris.add(uri);
        }
        return List.copyOf(uris);
    }
}
