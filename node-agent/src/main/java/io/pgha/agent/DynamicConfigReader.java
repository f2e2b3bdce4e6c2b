package io.pgha.agent;

import io.pgha.core.DynamicConfig;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Reads the dynamic config from etcd, validated as the coordinator validates a change: a bad key written
 * into etcd directly (such as a pg_hba line PostgreSQL could not parse) is refused, and the agent keeps
 * the config, and so the files, it had. Why the last one was refused is kept until a valid one is read:
 * the agent reports it as its {@code last_error} ({@code /patroni}, its member key, the coordinator's
 * status), and logs it once, not on every loop.
 */
final class DynamicConfigReader {
    /** The {@code action} of the {@code last_error} that reports a refused dynamic config. */
    static final String ACTION = "apply the dynamic config";

    private static final Logger LOG = Logger.getLogger(DynamicConfigReader.class);

    private final AtomicReference<String> refusal = new AtomicReference<>();

    /** The config in {@code json}; empty, with the refusal kept and logged once, when it is invalid. */
    Optional<DynamicConfig> read(String json) {
        try {
            DynamicConfig valid = DynamicConfig.fromJson(json).validated();
            refusal.set(null);
            return Optional.of(valid);
        } catch (IllegalArgumentException e) {
            String reason = "the dynamic config in etcd is refused, the one in force and the files written from it"
                    + " are kept: " + e.getMessage();
            if (!reason.equals(refusal.getAndSet(reason))) {
                LOG.error(reason);
            }
            return Optional.empty();
        }
    }

    /** Why the last config read was refused; empty once a valid one was read. */
    Optional<String> refusal() {
        return Optional.ofNullable(refusal.get());
    }
}
