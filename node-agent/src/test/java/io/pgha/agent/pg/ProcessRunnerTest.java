package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
    @Test
    void childrenDoNotInheritTheAgentsPghaVariablesNorItsPgpassword() {
        Map<String, String> agent = Map.of(
                "PATH", "/usr/bin",
                "LANG", "C.UTF-8",
                "PGHA_POSTGRES_SUPERUSER_PASSWORD", "su-secret",
                "PGHA_RESTAPI_TOKEN", "token",
                "pgha_postgres_replication_password", "repl-secret",
                "PGPASSWORD", "inherited");
        assertThat(ProcessRunner.environment(agent, Map.of()))
                .containsOnlyKeys("PATH", "LANG")
                .doesNotContainValue("su-secret");
    }

    @Test
    void whatTheCallerPassesIsKept() {
        assertThat(ProcessRunner.environment(Map.of("PGPASSWORD", "old", "HOME", "/h"), Map.of("PGPASSWORD", "new")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("PGPASSWORD", "new", "HOME", "/h"));
    }
}
