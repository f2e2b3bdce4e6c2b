package io.pgha.agent.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.agent.config.AgentConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestoreRequestTest {
    private static AgentConfig.RestoreSource config(Optional<String> source, Optional<String> time, boolean latest) {
        AgentConfig.Target target = new AgentConfig.Target() {
            public Optional<String> time() {
                return time;
            }

            public Optional<String> lsn() {
                return Optional.empty();
            }

            public Optional<String> xid() {
                return Optional.empty();
            }

            public Optional<String> name() {
                return Optional.empty();
            }

            public boolean immediate() {
                return false;
            }

            public boolean latest() {
                return latest;
            }
        };
        return new AgentConfig.RestoreSource() {
            public Optional<String> sourceCluster() {
                return source;
            }

            public Optional<String> backupId() {
                return Optional.empty();
            }

            public AgentConfig.Target target() {
                return target;
            }

            public Duration timeout() {
                return Duration.ofHours(1);
            }
        };
    }

    @Test
    void theEtcdRequestWinsOverTheProperties() {
        RestoreRequest r = RestoreRequest.resolve(
                Optional.of("{\"id\":\"r-1\",\"source_cluster\":\"prod\",\"backup_id\":null,"
                        + "\"target\":{\"time\":\"2026-12-01T10:15:30Z\"}}"),
                config(Optional.of("other"), Optional.empty(), false));
        assertThat(r.id()).isEqualTo("r-1");
        assertThat(r.sourceCluster()).isEqualTo("prod");
        assertThat(r.backupId()).isNull();
        assertThat(r.target().parameters()).containsEntry("recovery_target_time", "2026-12-01 10:15:30.000000+00");
    }

    @Test
    void withoutARequestThePropertiesAreUsedAndLatestIsTheDefaultTarget() {
        RestoreRequest r =
                RestoreRequest.resolve(Optional.empty(), config(Optional.of("prod"), Optional.empty(), false));
        assertThat(r.target().latest()).isTrue();
        assertThat(RestoreRequest.resolve(
                                Optional.empty(),
                                config(Optional.of("prod"), Optional.of("2026-12-01T10:15:30Z"), false))
                        .target()
                        .time())
                .isEqualTo("2026-12-01T10:15:30Z");
    }

    @Test
    void badRequestsAreRefusedNamingWhere() {
        assertThatThrownBy(() ->
                        RestoreRequest.resolve(Optional.empty(), config(Optional.empty(), Optional.empty(), false)))
                .hasMessageContaining("pgha.bootstrap.repository.source-cluster");
        assertThatThrownBy(() -> RestoreRequest.resolve(
                        Optional.of("{\"source_cluster\":\"../x\",\"target\":{\"latest\":true}}"),
                        config(Optional.empty(), Optional.empty(), false)))
                .hasMessageContaining("the restore request key");
        assertThatThrownBy(() -> RestoreRequest.resolve(
                        Optional.of("{\"source_cluster\":\"prod\",\"target\":{\"time\":\"yesterday\"}}"),
                        config(Optional.empty(), Optional.empty(), false)))
                .hasMessageContaining("target.time");
        assertThatThrownBy(() -> RestoreRequest.resolve(
                        Optional.empty(), config(Optional.of("prod"), Optional.of("2026-12-01T10:15:30Z"), true)))
                .hasMessageContaining("exactly one");
    }
}
