package io.pgha.agent.config;

import io.pgha.agent.pg.PgTls;
import io.pgha.agent.wal.ArchiveSettings;
import io.pgha.core.ByteSize;
import io.pgha.core.DynamicConfig;
import io.pgha.core.EtcdLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Start-time checks of the static configuration; messages name the property. */
public final class Checks {
    private Checks() {}

    /** The bootstrap dynamic config from {@code pgha.dcs.*}, or an exception naming the bad properties. */
    /** The cluster's etcd layout, failing at start with the property named when a part is not valid. */
    public static EtcdLayout layout(String namespace, String cluster) {
        EtcdLayout.requireName("cluster (pgha.cluster)", cluster);
        try {
            return new EtcdLayout(namespace, cluster);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.etcd.namespace: " + e.getMessage());
        }
    }

    public static DynamicConfig dynamicConfig(AgentConfig.Dcs dcs) {
        long lag;
        try {
            lag = ByteSize.parse(dcs.maximumLagOnFailover());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.dcs.maximum-lag-on-failover: " + e.getMessage());
        }
        DynamicConfig config = new DynamicConfig(
                dcs.ttl(), dcs.loopWait(), dcs.retryTimeout(), dcs.primaryStartTimeout(), lag, dcs.usePgRewind());
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid setting in pgha.dcs.* (pgha.dcs.ttl, pgha.dcs.loop-wait,"
                    + " pgha.dcs.retry-timeout, pgha.dcs.primary-start-timeout): " + String.join("; ", problems));
        }
        return config;
    }

    /** The archiver's settings from {@code pgha.archive.*}, or an exception naming the bad properties. */
    public static ArchiveSettings archive(AgentConfig.Archive archive) {
        return ArchiveSettings.checked(
                archive.pushAhead(),
                archive.queueSize(),
                archive.prefetch(),
                archive.timeout(),
                archive.commandTimeout(),
                archive.curl());
    }

    /** {@code pgha.bootstrap.method}: {@code initdb} or {@code repository} (then a repository is required). */
    public static boolean bootstrapFromRepository(String method, boolean repositoryConfigured) {
        String m = method == null ? "" : method.strip();
        if (m.equals("initdb")) {
            return false;
        }
        if (!m.equals("repository")) {
            throw new IllegalArgumentException("invalid setting pgha.bootstrap.method='"
                    + m.replaceAll("\\p{Cntrl}", "?") + "': use initdb or repository");
        }
        if (!repositoryConfigured) {
            throw new IllegalArgumentException("pgha.bootstrap.method=repository needs a backup repository:"
                    + " set pgha.repository.type (posix or s3) and its settings");
        }
        return true;
    }

    /** {@code pgha.bootstrap.replica-method}: {@code basebackup} or {@code repository} (then a repository is required). */
    public static boolean replicasFromRepository(String method, boolean repositoryConfigured) {
        String m = method == null ? "" : method.strip();
        if (m.equals("basebackup")) {
            return false;
        }
        if (!m.equals("repository")) {
            throw new IllegalArgumentException("invalid setting pgha.bootstrap.replica-method='"
                    + m.replaceAll("\\p{Cntrl}", "?") + "': use basebackup or repository");
        }
        if (!repositoryConfigured) {
            throw new IllegalArgumentException("pgha.bootstrap.replica-method=repository needs a backup repository:"
                    + " set pgha.repository.type (posix or s3) and its settings");
        }
        return true;
    }

    /**
     * {@code pgha.postgres.tls.*}: empty when none of the three files is set, else the checked files
     * ({@link PgTls#checked}); some but not all set is refused, naming the missing ones.
     */
    public static Optional<PgTls> postgresTls(AgentConfig.Tls tls, List<String> hosts) {
        Map<String, Optional<java.nio.file.Path>> files = new LinkedHashMap<>();
        files.put("pgha.postgres.tls.cert-file", tls.certFile());
        files.put("pgha.postgres.tls.key-file", tls.keyFile());
        files.put("pgha.postgres.tls.ca-file", tls.caFile());
        List<String> missing = files.entrySet().stream()
                .filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList();
        if (missing.size() == files.size()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL TLS needs all of pgha.postgres.tls.cert-file, key-file"
                    + " and ca-file; missing: " + String.join(", ", missing) + ": set them, or unset all three"
                    + " for plaintext");
        }
        return Optional.of(PgTls.checked(
                tls.certFile().get(), tls.keyFile().get(), tls.caFile().get(), hosts));
    }

    /** The tags pgha itself sets and acts on ({@code pgha.tags.*}); a custom tag may not reuse their names. */
    private static final Set<String> BUILT_IN_TAGS =
            Set.of("nofailover", "failover_priority", "failover-priority", "noloadbalance", "nosync");

    /** Patroni's tags with a meaning pgha does not carry out: refused rather than published and ignored. */
    private static final Set<String> UNSUPPORTED_TAGS =
            Set.of("clonefrom", "nostream", "replicatefrom", "sync_priority");

    /**
     * {@code pgha.tags.custom.*} as published tags, sorted by name: {@code true}/{@code false} (any case)
     * become booleans and whole numbers become numbers (as Patroni's YAML types them), the rest stay
     * text. A built-in or unsupported Patroni tag name, or a control character, is refused with the
     * property's name.
     */
    public static Map<String, Object> customTags(Map<String, String> custom) {
        Map<String, Object> tags = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(custom).entrySet()) {
            String key = e.getKey();
            String property = "pgha.tags.custom." + key.replaceAll("\\p{Cntrl}", "?");
            if (key.isBlank() || key.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(
                        "invalid setting " + property + ": a tag name must not be blank or contain control characters");
            }
            if (BUILT_IN_TAGS.contains(key)) {
                throw new IllegalArgumentException("invalid setting " + property + ": '" + key
                        + "' is a built-in tag, set pgha.tags." + key.replace('_', '-') + " instead");
            }
            if (UNSUPPORTED_TAGS.contains(key)) {
                throw new IllegalArgumentException("invalid setting " + property + ": Patroni's tag '" + key
                        + "' is not supported by pgha (it would be published but not acted on)");
            }
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException(
                        "invalid setting " + property + ": the value must not contain control characters");
            }
            tags.put(key, typed(value));
        }
        return tags;
    }

    private static Object typed(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.valueOf(lower);
        }
        if (value.matches("-?(0|[1-9][0-9]{0,17})")) {
            return Long.valueOf(value);
        }
        return value;
    }
}
