package io.pgha.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.DynamicConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void secretsComeFromTheValueOrTheFirstLineOfAFileAndErrorsNeverShowThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "from-file\nignored\n");
        assertThat(Secrets.resolve("password", Optional.of("direct"), Optional.of(file)))
                .contains("direct");
        assertThat(Secrets.resolve("password", Optional.empty(), Optional.of(file)))
                .contains("from-file");
        assertThat(Secrets.resolve("password", Optional.empty(), Optional.empty()))
                .isEmpty();
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> Secrets.resolve("password", Optional.empty(), Optional.of(file)))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("empty");
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
}
