package io.pgha.renderer.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A rendered {@code haproxy.cfg}, with what the apply step compares.
 *
 * @param text the file
 * @param structure the file without comments and without server states: two configurations with
 *     the same structure differ only in what the runtime API can change
 * @param states the administrative state of every server
 * @param epochs the epoch of each cluster's topology in it
 * @param leaders the leader of each cluster that has one
 */
public record RenderedConfig(
        String text,
        String structure,
        SortedMap<ServerRef, AdminState> states,
        SortedMap<String, Long> epochs,
        SortedMap<String, String> leaders) {
    public RenderedConfig {
        states = new TreeMap<>(states);
        epochs = new TreeMap<>(epochs);
        leaders = new TreeMap<>(leaders);
    }

    /** The first 12 hex digits of the SHA-256 of {@link #text}. */
    public String hash() {
        return hash(text);
    }

    /** The version of {@code cluster}'s part: {@code <epoch>-<hash>}, or null when it is not in the file. */
    public String version(String cluster) {
        Long epoch = epochs.get(cluster);
        return epoch == null ? null : epoch + "-" + hash();
    }

    /** The first 12 hex digits of the SHA-256 of {@code text}. */
    public static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The servers whose state differs between {@code from} and this configuration, with their new state. */
    public Map<ServerRef, AdminState> stateChangesFrom(RenderedConfig from) {
        SortedMap<ServerRef, AdminState> changes = new TreeMap<>();
        states.forEach((server, state) -> {
            if (state != from.states.get(server)) {
                changes.put(server, state);
            }
        });
        return changes;
    }
}
