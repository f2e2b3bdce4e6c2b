package io.pgha.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings of pgha-messaging, under {@code pgha.messaging}. */
@ConfigMapping(prefix = "pgha.messaging")
public interface MessagingConfig {
    /** The service named in every CloudEvent source, {@code /pgha/<service>/<instance>}. */
    @WithDefault("${quarkus.application.name:pgha}")
    String service();

    /** The instance named in the source; the host name when not set (the pod name on Kubernetes). */
    Optional<String> instance();
}
