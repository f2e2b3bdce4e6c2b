package io.pgha.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.DynamicConfig;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChecksTest {
    private static AgentConfig.Dcs dcs(int ttl, int loopWait, int retryTimeout, String lag) {
        return new AgentConfig.Dcs() {
            public int ttl() {
                return ttl;
            }

            public int loopWait() {
                return loopWait;
            }

            public int retryTimeout() {
                return retryTimeout;
            }

            public int primaryStartTimeout() {
                return 10;
            }

            public String maximumLagOnFailover() {
                return lag;
            }

            public boolean usePgRewind() {
                return true;
            }
        };
    }

    @Test
    void theEtcdNamespaceIsTheRootOfTheClustersKeysAndABadOneNamesTheProperty() {
        assertThat(Checks.layout("/tenant-a", "main").prefix()).isEqualTo("/tenant-a/main/");
        assertThat(Checks.layout("/pgha", "main").leader()).isEqualTo("/pgha/main/leader");

        assertThatThrownBy(() -> Checks.layout("pgha/", "main"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.etcd.namespace")
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> Checks.layout("/pgha", "main/other"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgha.cluster");
    }

    @Test
    void defaultsGiveTheDocumentedDynamicConfig() {
        assertThat(Checks.dynamicConfig(dcs(10, 1, 3, "1MB"))).isEqualTo(DynamicConfig.DEFAULTS);
    }

    @Test
    void theTimingRuleNamesThePropertiesAndValues() {
        assertThatThrownBy(() -> Checks.dynamicConfig(dcs(10, 5, 3, "1MB")))
                .hasMessageContaining("pgha.dcs.loop-wait")
                .hasMessageContaining("loop_wait=5")
                .hasMessageContaining("retry_timeout=3")
                .hasMessageContaining("ttl=10");
    }

    @Test
    void aBadLagNamesTheProperty() {
        assertThatThrownBy(() -> Checks.dynamicConfig(dcs(10, 1, 3, "lots")))
                .hasMessageContaining("pgha.dcs.maximum-lag-on-failover")
                .hasMessageContaining("'lots'");
    }

    @Test
    void theBootstrapMethodIsInitdbOrRepositoryAndRepositoryNeedsOne() {
        assertThat(Checks.bootstrapFromRepository("initdb", false)).isFalse();
        assertThat(Checks.bootstrapFromRepository("repository", true)).isTrue();
        assertThatThrownBy(() -> Checks.bootstrapFromRepository("repository", false))
                .hasMessageContaining("pgha.repository.type");
        assertThatThrownBy(() -> Checks.bootstrapFromRepository("basebackup", true))
                .hasMessageContaining("pgha.bootstrap.method");
    }

    @Test
    void theReplicaMethodIsBasebackupOrRepositoryAndRepositoryNeedsOne() {
        assertThat(Checks.replicasFromRepository("basebackup", false)).isFalse();
        assertThat(Checks.replicasFromRepository("repository", true)).isTrue();
        assertThatThrownBy(() -> Checks.replicasFromRepository("repository", false))
                .hasMessageContaining("pgha.repository.type");
        assertThatThrownBy(() -> Checks.replicasFromRepository("rsync", true))
                .hasMessageContaining("pgha.bootstrap.replica-method");
    }

    @Test
    void customTagsArePublishedTypedAsPatronisYamlWouldType() {
        java.util.Map<String, Object> tags = Checks.customTags(java.util.Map.of(
                "rack", "r1", "ssd", "True", "spinning", "false", "zone", "3", "build", "007", "ratio", "1.5"));
        assertThat(tags)
                .containsExactly(
                        java.util.Map.entry("build", "007"),
                        java.util.Map.entry("rack", "r1"),
                        java.util.Map.entry("ratio", "1.5"),
                        java.util.Map.entry("spinning", false),
                        java.util.Map.entry("ssd", true),
                        java.util.Map.entry("zone", 3L));
        assertThat(Checks.customTags(java.util.Map.of())).isEmpty();
    }

    @Test
    void aCustomTagMayNotReplaceABuiltInOrUnsupportedPatroniTag() {
        assertThatThrownBy(() -> Checks.customTags(java.util.Map.of("nofailover", "true")))
                .hasMessageContaining("pgha.tags.custom.nofailover")
                .hasMessageContaining("set pgha.tags.nofailover instead");
        assertThatThrownBy(() -> Checks.customTags(java.util.Map.of("failover_priority", "2")))
                .hasMessageContaining("set pgha.tags.failover-priority instead");
        assertThatThrownBy(() -> Checks.customTags(java.util.Map.of("clonefrom", "true")))
                .hasMessageContaining("pgha.tags.custom.clonefrom")
                .hasMessageContaining("not supported by pgha");
        assertThatThrownBy(() -> Checks.customTags(java.util.Map.of("rack", "r1\nbackend x")))
                .hasMessageContaining("pgha.tags.custom.rack")
                .hasMessageContaining("control characters");
    }

    private static AgentConfig.Tls tls(Optional<Path> cert, Optional<Path> key, Optional<Path> ca) {
        return new AgentConfig.Tls() {
            public Optional<Path> certFile() {
                return cert;
            }

            public Optional<Path> keyFile() {
                return key;
            }

            public Optional<Path> caFile() {
                return ca;
            }
        };
    }

    @Test
    void postgresTlsIsOffWithoutFilesAndRefusedWithOnlySomeOfThem() {
        assertThat(Checks.postgresTls(
                        tls(Optional.empty(), Optional.empty(), Optional.empty()), java.util.List.of("127.0.0.1")))
                .isEmpty();
        assertThatThrownBy(() -> Checks.postgresTls(
                        tls(Optional.of(Path.of("/x.crt")), Optional.empty(), Optional.empty()),
                        java.util.List.of("127.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing: pgha.postgres.tls.key-file, pgha.postgres.tls.ca-file");
    }
}
