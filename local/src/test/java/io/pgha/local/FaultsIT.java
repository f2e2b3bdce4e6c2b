package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultsIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void killNineStopsThePostmasterAtOnceAndStartBringsItBack() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        postgres.execute("CREATE TABLE kept (id int)");
        postgres.execute("INSERT INTO kept VALUES (1)");

        postgres.process().signal(Signal.KILL);
        Wait.until(Duration.ofSeconds(5), "postmaster dead", () -> !postgres.process()
                .isAlive());
        assertThat(postgres.accepting()).isFalse();

        postgres.start();
        assertThat(postgres.queryValue("SELECT count(*) FROM kept")).isEqualTo(1L);
    }

    @Test
    void pausedProcessStopsAnsweringAndResumesWhereItWas() throws Exception {
        PostgresNode postgres = infra.postgres("pg0");
        postgres.process().pause();
        String url = postgres.jdbcUrl()
                .replace("connectTimeout=3", "connectTimeout=1")
                .replace("socketTimeout=30", "socketTimeout=1");
        assertThat(PostgresNode.canQuery(url))
                .as("a frozen postmaster answers nothing")
                .isFalse();
        assertThat(postgres.process().isAlive()).isTrue();

        postgres.process().resume();
        Wait.until(Duration.ofSeconds(10), "answers again after SIGCONT", postgres::accepting);
    }

    @Test
    void processInANetworkNamespaceIsCutOffAndReconnected() throws Exception {
        NetworkNamespace ns = infra.networkNamespace();
        EtcdCluster etcd = infra.etcd(1, ns);
        PostgresNode postgres = infra.postgres(PostgresNode.Placement.in(ns, "pg0"));
        assertThat(postgres.host()).isEqualTo(ns.address()).startsWith("127.");
        String quick = postgres.jdbcUrl().replace("connectTimeout=3", "connectTimeout=1");
        assertThat(PostgresNode.canQuery(quick)).isTrue();
        assertThat(insideCanReach(ns, etcd.member(0).endpoint(ns.hostAddress())))
                .as("from inside, etcd on the host side is reachable")
                .isTrue();

        ns.cut();
        assertThat(PostgresNode.canQuery(quick))
                .as("cut off: not reachable from the host")
                .isFalse();
        assertThat(insideCanReach(ns, etcd.member(0).endpoint(ns.hostAddress())))
                .as("cut off: the host is not reachable from inside")
                .isFalse();

        ns.restore();
        Wait.until(Duration.ofSeconds(10), "reachable again after restore", () -> PostgresNode.canQuery(quick));
    }

    private static boolean insideCanReach(NetworkNamespace ns, String etcdEndpoint) {
        List<String> command = new ArrayList<>(ns.commandPrefix());
        command.addAll(List.of("curl", "-s", "-m", "2", etcdEndpoint + "/health"));
        Commands.Result result = Commands.run(command, Duration.ofSeconds(10));
        return result.ok() && result.output().contains("\"health\":\"true\"");
    }
}
