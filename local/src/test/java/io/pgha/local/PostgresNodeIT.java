package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresNodeIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void primaryAndStreamingReplicaServeSqlAndAreGoneAfterStop() throws Exception {
        PostgresNode primary = infra.postgres("pg0");
        PostgresNode replica = infra.replica("pg1", primary);

        assertThat(primary.inRecovery()).isFalse();
        assertThat(replica.inRecovery()).isTrue();
        assertThat(OsUser.forPostgres().owns(primary.dataDir())).isTrue();
        assertThat(primary.queryValue("SELECT application_name FROM pg_stat_replication"))
                .isEqualTo("pg1");

        primary.execute("CREATE TABLE t (id int primary key)");
        primary.execute("INSERT INTO t VALUES (42)");
        Wait.until(Duration.ofSeconds(10), "row replicated", () -> Integer.valueOf(42)
                .equals(replica.queryValue("SELECT id FROM t")));

        LocalProcess primaryProcess = primary.process();
        LocalProcess replicaProcess = replica.process();
        replica.stop();
        primary.stop();
        Gone.assertGone(replicaProcess, replica.host(), replica.port());
        Gone.assertGone(primaryProcess, primary.host(), primary.port());
    }
}
