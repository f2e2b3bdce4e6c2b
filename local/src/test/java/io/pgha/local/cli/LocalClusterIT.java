package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.LocalProcess;
import io.pgha.local.Ports;
import io.pgha.local.PostgresNode;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code ./pgha up / status / down} do, on free ports and a temp home instead of ./.pgha. */
class LocalClusterIT {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Path home = Workspace.temporary("cli").root();
    private final LocalPorts ports = new LocalPorts(
            Ports.free(),
            Ports.free(),
            Ports.free(),
            Ports.free(),
            Ports.free(),
            Ports.free(),
            Ports.free(),
            freeRunOfThree());
    private final LocalCluster cluster =
            new LocalCluster(home, ports, new PrintStream(printed, true, StandardCharsets.UTF_8));

    @AfterEach
    void purge() {
        cluster.down(true);
    }

    @Test
    void upServesWritesOnReadWriteAndReadsOnReadOnlyThenDownLeavesNothing() throws Exception {
        cluster.up();
        assertThat(output()).contains("psql -h 127.0.0.1 -p " + ports.readWrite());

        String rw = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readWrite());
        String ro = PostgresNode.jdbcUrl(Ports.LOOPBACK, ports.readOnly());
        PostgresNode.execute(rw, "CREATE TABLE cli_it (id int)");
        PostgresNode.execute(rw, "INSERT INTO cli_it VALUES (7)");
        assertThat(PostgresNode.queryValue(ro, "SELECT pg_is_in_recovery()")).isEqualTo(true);
        Wait.until(Duration.ofSeconds(10), "row read back through the read-only port", () -> Integer.valueOf(7)
                .equals(PostgresNode.queryValue(ro, "SELECT id FROM cli_it")));

        cluster.up();
        assertThat(output()).contains("pgha is already running");

        cluster.status();
        assertThat(output())
                .containsPattern("pg-0 +127\\.0\\.0\\.1:\\d+ +\\d+ +running +primary")
                .containsPattern("pg-1 +127\\.0\\.0\\.1:\\d+ +\\d+ +running +replica")
                .containsPattern("pg-2 +127\\.0\\.0\\.1:\\d+ +\\d+ +running +replica");

        List<Long> pids = recordedPids();
        assertThat(pids).hasSize(6);
        cluster.down(false);
        for (long pid : pids) {
            assertThat(LocalProcess.groupAlive(pid))
                    .as("process group %d left", pid)
                    .isFalse();
        }
        assertThat(Ports.isFree(Ports.LOOPBACK, ports.readWrite())).isTrue();
        assertThat(Ports.isFree(Ports.LOOPBACK, ports.postgres(0))).isTrue();
        assertThat(Files.exists(home.resolve("postgres")))
                .as("data kept without --purge")
                .isTrue();
    }

    private List<Long> recordedPids() throws IOException {
        Properties state = new Properties();
        try (Reader reader = Files.newBufferedReader(home.resolve(LocalCluster.STATE_FILE))) {
            state.load(reader);
        }
        List<Long> pids = new ArrayList<>();
        state.stringPropertyNames().stream()
                .filter(key -> key.endsWith(".pid"))
                .forEach(key -> pids.add(Long.parseLong(state.getProperty(key))));
        return pids;
    }

    private String output() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static int freeRunOfThree() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = Ports.free();
            if (first < 65000 && Ports.isFree(Ports.LOOPBACK, first + 1) && Ports.isFree(Ports.LOOPBACK, first + 2)) {
                return first;
            }
        }
        throw new IllegalStateException("no three free consecutive ports");
    }
}
