package io.pgha.coordinator.config;

import io.pgha.core.EtcdLayout;
import io.pgha.core.SecretSetting;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.function.Supplier;

/** The start-time checks of {@link CoordinatorConfig}: a bad value stops the service, naming the property. */
public final class ConfigChecks {
    private ConfigChecks() {}

    /**
     * The bearer token as it is now (a token file is re-read when it changes: rotation without a restart),
     * or an exception naming the properties to set.
     */
    public static Supplier<String> token(CoordinatorConfig.Api api) {
        return SecretSetting.following("pgha.api.token", api.token(), api.tokenFile())
                .orElseThrow(
                        () -> new IllegalArgumentException(
                                "missing setting pgha.api.token or pgha.api.token-file: mutating REST calls need a bearer token"));
    }

    /** This replica's name: the configured one, else the host name. */
    public static String name(CoordinatorConfig.Coordinator c) {
        String name = c.name().orElseGet(ConfigChecks::hostName);
        try {
            return EtcdLayout.requireName("coordinator", name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid setting pgha.coordinator.name: " + e.getMessage());
        }
    }

    /** Fails naming the property when a timing is out of range. */
    public static void timings(CoordinatorConfig config) {
        CoordinatorConfig.Coordinator c = config.coordinator();
        if (config.etcdEndpoints().isEmpty()) {
            throw new IllegalArgumentException("invalid setting pgha.etcd.endpoints: give at least one etcd URL");
        }
        atLeast("pgha.coordinator.election-ttl", c.electionTtl(), Duration.ofSeconds(2));
        atLeast("pgha.coordinator.agent-timeout", c.agentTimeout(), Duration.ofMillis(100));
        atLeast("pgha.coordinator.promote-timeout", c.promoteTimeout(), Duration.ofSeconds(1));
        atLeast("pgha.coordinator.switchover-timeout", c.switchoverTimeout(), Duration.ofSeconds(5));
        atLeast("pgha.coordinator.tick", c.tick(), Duration.ofMillis(50));
        atLeast("pgha.coordinator.topology-republish", c.topologyRepublish(), Duration.ofSeconds(1));
        atLeast("pgha.coordinator.routing-timeout", c.routingTimeout(), Duration.ZERO);
        atLeast("pgha.coordinator.pool-pause-timeout", c.poolPauseTimeout(), Duration.ZERO);
        atLeast("pgha.coordinator.cold-start-wait", c.coldStartWait(), Duration.ZERO);
        atLeast("pgha.coordinator.fast-failover-timeout", c.fastFailoverTimeout(), Duration.ofMillis(100));
        atLeast("pgha.coordinator.fast-failover-suspect-after", c.fastFailoverSuspectAfter(), Duration.ZERO);
        if (c.tick().compareTo(c.electionTtl().dividedBy(2)) > 0) {
            throw new IllegalArgumentException("invalid setting pgha.coordinator.tick: " + c.tick()
                    + " must be at most half of pgha.coordinator.election-ttl (" + c.electionTtl() + ")");
        }
    }

    private static void atLeast(String property, Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    "invalid setting " + property + ": " + value + " is below the minimum of " + min);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
        } catch (IOException e) {
            return "coordinator";
        }
    }
}
