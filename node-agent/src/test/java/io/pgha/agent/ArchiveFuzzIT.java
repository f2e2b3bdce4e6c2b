package io.pgha.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.AgentNodes;
import io.pgha.local.AgentNodes.Node;
import io.pgha.local.EtcdCluster;
import io.pgha.local.LocalInfra;
import io.pgha.local.Wait;
import io.pgha.local.fuzz.HostileInputs;
import io.pgha.local.fuzz.RestFuzz;
import io.pgha.repository.wal.WalName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One archiving agent against the shared hostile-input corpus on its WAL endpoints: every bad token
 * and every hostile name or source cluster is refused with a 4xx that says why, nothing but WAL
 * files of the cluster lands in the repository, and archiving still works afterwards.
 */
class ArchiveFuzzIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    @RegisterExtension
    static final TestWatcher postgresLogs = AgentNodes.postgresLogsOnFailure(() -> List.of(ArchiveFuzzIT.node));

    private static final String SEGMENT = "000000010000000000000001";
    private static Node node;
    private static Path repo;

    @BeforeAll
    static void start() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        repo = infra.workspace().dir("backups").resolve("repo");
        node = AgentNodes.start(infra, "node0", etcd.endpoints(), null, AgentNodes.posixRepository(repo));
        Wait.until(Duration.ofSeconds(60), "node0 running as primary", () -> node.status("/primary") == 200);
    }

    @Test
    void hostileTokensNamesAndSourceClustersAreRefusedWithAReason() throws Exception {
        long postmaster = node.postmasterPid();
        RestFuzz fuzz = new RestFuzz(node.agent().host(), node.agent().httpPort());
        for (HostileInputs.Headers auth : HostileInputs.badAuthorizations()) {
            fuzz.expectRefusal(
                    "POST /wal/archive with " + auth.name(),
                    "POST",
                    "/wal/archive/" + SEGMENT,
                    auth.values(),
                    new byte[0]);
            fuzz.expectRefusal(
                    "GET /wal/restore with " + auth.name(), "GET", "/wal/restore/" + SEGMENT, auth.values(), null);
        }
        fuzz.expectRefusal(
                "GET /wal/restore with the REST token",
                "GET",
                "/wal/restore/" + SEGMENT,
                Map.of("Authorization", "Bearer " + AgentNodes.TOKEN),
                null);
        Map<String, String> authorized =
                Map.of("Authorization", Files.readString(header()).strip().substring("Authorization: ".length()));
        for (String segment : HostileInputs.pathSegments()) {
            fuzz.expectRefusal(
                    "POST /wal/archive/" + segment, "POST", "/wal/archive/" + segment, authorized, new byte[0]);
            fuzz.expectRefusal("GET /wal/restore/" + segment, "GET", "/wal/restore/" + segment, authorized, null);
            fuzz.expectRefusal(
                    "GET /wal/restore/" + SEGMENT + "?cluster=" + segment,
                    "GET",
                    "/wal/restore/" + SEGMENT + "?cluster=" + segment,
                    authorized,
                    null);
        }
        for (HostileInputs.Body body : HostileInputs.bodies()) {
            // a body is ignored: the agent reads pg_wal itself; a name that is not in pg_wal is 404
            fuzz.expectRefusal(
                    "POST /wal/archive of a file not in pg_wal with " + body.name(),
                    "POST",
                    "/wal/archive/0000000100000000000000FE",
                    authorized,
                    body.bytes());
        }
        fuzz.assertClean();
        assertThat(node.postmasterPid()).isEqualTo(postmaster);
        // nothing but the cluster's WAL files in the repository
        try (Stream<Path> files = Files.walk(repo)) {
            files.filter(Files::isRegularFile)
                    .map(p -> repo.relativize(p).toString())
                    .forEach(key -> assertThat(key)
                            .matches("it/wal/[0-9A-F]{8}/[0-9A-F.a-z]+")
                            .satisfies(k -> assertThat(WalName.isValid(k.substring(k.lastIndexOf('/') + 1)))
                                    .isTrue()));
        }
        // and archiving still works
        node.execute("CREATE TABLE IF NOT EXISTS f (id int)");
        node.execute("INSERT INTO f VALUES (1)");
        String done = String.valueOf(node.query("SELECT pg_walfile_name(pg_switch_wal())"));
        Path archived = repo.resolve("it/wal/00000001/" + done);
        Wait.until(Duration.ofSeconds(60), done + " archived after the fuzzing", () -> Files.exists(archived));
    }

    private static Path header() {
        return node.dataDir().getParent().resolve("wal-auth.header");
    }
}
