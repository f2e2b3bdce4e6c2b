package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.local.LocalInfra;
import io.pgha.local.Wait;
import io.pgha.local.Workspace;
import io.pgha.local.cli.LocalCluster;
import io.pgha.local.cli.LocalPorts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pghactl's jar, run as a process (as an operator runs it), against one whole suite started for the
 * class as {@code ./pgha up} starts it (on free ports in a temporary folder). pghactl finds the cluster
 * as {@code ./pghactl} does, from the suite's home folder ({@code state.properties}, {@code api-token}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PghactlIT {
    @RegisterExtension
    static final LocalInfra infra = LocalInfra.perClass();

    private static final Duration HEALTHY = Duration.ofSeconds(180);
    private static LocalCluster cluster;
    private static Path userHome;

    record Run(int code, String out, String err, long millis) {
        @Override
        public String toString() {
            return "exit " + code + " after " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void startTheSuite() throws IOException {
        Workspace workspace = infra.workspace();
        cluster = new LocalCluster(
                workspace, LocalPorts.free(), new PrintStream(System.out, true, StandardCharsets.UTF_8));
        infra.track(() -> cluster.down(false));
        cluster.up();
        // no ~/.config/pgha/pghactl.yaml of whoever runs the test
        userHome = Files.createDirectories(workspace.root().resolve("operator-home"));
        awaitHealthy();
    }

    /** pghactl with {@code args}, no PGHA_* variables but {@code env}, the suite's home as the checkout's. */
    static Run pghactl(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return launch(env, null, args);
    }

    /**
     * Runs pghactl's jar as a process and waits for it (at most 180 s): no PGHA_* variables but {@code
     * env}; {@code input} on stdin (null: the end of input at once, no answers at prompts).
     */
    private static Run launch(Map<String, String> env, String input, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Duser.home=" + userHome,
                "-Dpghactl.local=" + cluster.home(),
                "-jar",
                System.getProperty("pghactl.jar")));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("PGHA"));
        builder.environment().putAll(env);
        Path out = Files.createTempFile(userHome, "out", ".txt");
        Path err = Files.createTempFile(userHome, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        } else {
            builder.redirectInput(Files.writeString(Files.createTempFile(userHome, "in", ".txt"), input)
                    .toFile());
        }
        long started = System.nanoTime();
        Process process = builder.start();
        if (input == null) {
            process.getOutputStream().close(); // no answers at prompts: the end of input
        }
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pghactl " + String.join(" ", args) + " did not end within 180 s");
        }
        Run run = new Run(
                process.exitValue(),
                Files.readString(out),
                Files.readString(err),
                (System.nanoTime() - started) / 1_000_000);
        System.out.println("$ pghactl " + String.join(" ", args)
                + (input == null ? "" : " <<< " + input.replace("\n", "\\n")) + "\n" + run);
        return run;
    }

    static Run pghactl(String... args) throws IOException, InterruptedException {
        return pghactl(Map.of(), args);
    }

    /** {@code list -f json}: one object per member. */
    static List<JsonNode> members() throws Exception {
        Run run = pghactl("list", "-f", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> members = new ArrayList<>();
        Json.read(run.out(), "list -f json").forEach(members::add);
        return members;
    }

    static void awaitHealthy() {
        Wait.until(HEALTHY, Duration.ofSeconds(2), "one running leader and two streaming replicas", () -> {
            List<JsonNode> members = members();
            return members.size() == 3
                    && members.stream()
                                    .filter(m -> m.path("Role").asText().equals("Leader")
                                            && m.path("State").asText().equals("running"))
                                    .count()
                            == 1
                    && members.stream()
                                    .filter(m -> !m.path("Role").asText().equals("Leader")
                                            && m.path("State").asText().equals("streaming"))
                                    .count()
                            == 2;
        });
    }

    static String leader() throws Exception {
        return members().stream()
                .filter(m -> m.path("Role").asText().equals("Leader"))
                .map(m -> m.path("Member").asText())
                .findFirst()
                .orElseThrow();
    }

    static String aReplica() throws Exception {
        return members().stream()
                .filter(m -> !m.path("Role").asText().equals("Leader"))
                .map(m -> m.path("Member").asText())
                .sorted()
                .findFirst()
                .orElseThrow();
    }

    /**
     * The suite serves every REST API over https with the checkout's local CA (issue 21): pghactl trusts
     * that CA by itself (from {@code state.properties}, no flag), and refuses the coordinators when told
     * to trust another CA.
     */
    @Test
    @Order(0)
    void listTrustsTheCheckoutsCaWithoutAFlagAndRefusesAnotherCa() throws Exception {
        java.util.Properties state = new java.util.Properties();
        try (var reader = Files.newBufferedReader(cluster.home().resolve("state.properties"))) {
            state.load(reader);
        }
        assertThat(state.getProperty("coordinator-0.address")).startsWith("https://127.0.0.1:");
        assertThat(state.getProperty("tls.ca"))
                .isEqualTo(cluster.caCert().orElseThrow().toString());

        Run run = pghactl("list");
        assertThat(run.code()).as(run.toString()).isZero();

        Path otherCa = io.pgha.local.Certificates.authorityIn(infra.workspace().dir("other-ca"))
                .caCert();
        Run refused = pghactl("--cacert", otherCa.toString(), "list");
        assertThat(refused.code()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains(state.getProperty("coordinator-0.address"));
    }

    @Test
    @Order(1)
    void listPrintsPatronictlsColumnsForEveryMember() throws Exception {
        Run run = pghactl("list");
        assertThat(run.code()).as(run.toString()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0))
                .startsWith("+ Cluster: " + LocalCluster.CLUSTER + " ")
                .endsWith("+");
        assertThat(Arrays.stream(lines.get(1).split("\\|")).map(String::strip).filter(s -> !s.isEmpty()))
                .containsExactly("Member", "Host", "Role", "State", "TL", "Lag in MB");
        assertThat(lines.get(2)).matches("\\+(-+\\+){6}");
        assertThat(lines.get(2).length()).isEqualTo(lines.get(0).length());
        List<String> rows = lines.subList(3, lines.size() - 1);
        assertThat(rows).hasSize(3);
        assertThat(rows)
                .allMatch(r -> r.matches("\\| pg-\\d +\\| 127\\.0\\.0\\.1:\\d+ +\\| (Leader|Replica|Sync Standby) +\\|"
                        + " (running|streaming) +\\| +\\d+ \\| +(\\d+|unknown)? \\|"));
        assertThat(rows.stream().filter(r -> r.contains("| Leader "))).hasSize(1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo(lines.get(2));

        Run extended = pghactl("list", "-e", "-f", "tsv");
        assertThat(extended.code()).as(extended.toString()).isZero();
        assertThat(extended.out().lines().findFirst().orElseThrow())
                .isEqualTo(
                        "Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB\tPending restart\tScheduled restart\tTags");

        Run topology = pghactl("topology");
        assertThat(topology.code()).as(topology.toString()).isZero();
        assertThat(topology.out().lines().skip(3).limit(3).toList())
                .satisfiesExactly(
                        r -> assertThat(r).contains("| Leader "),
                        r -> assertThat(r).startsWith("| + pg-"),
                        r -> assertThat(r).startsWith("| + pg-"));

        Run version = pghactl("version", LocalCluster.CLUSTER);
        assertThat(version.code()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("pghactl version ").contains("PostgreSQL 15.");
        Run help = pghactl("--version");
        System.out.printf("startup to first output (pghactl --version, one JVM, no CDS): %d ms%n", help.millis());
    }

    @Test
    @Order(2)
    void showConfigAndEditConfigWithSetAndForce() throws Exception {
        Run show = pghactl("show-config");
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out()).contains("ttl: ").contains("loop_wait: ");

        Run edit = pghactl("edit-config", "-s", "maximum_lag_on_failover=1048577", "-p", "work_mem=8MB", "--force");
        assertThat(edit.code()).as(edit.toString()).isZero();
        assertThat(edit.out())
                .contains("+maximum_lag_on_failover: 1048577")
                .contains("+    work_mem: 8MB")
                .contains("Configuration changed");
        Run after = pghactl("show-config");
        assertThat(after.out()).contains("maximum_lag_on_failover: 1048577").contains("work_mem: 8MB");

        Run again = pghactl("edit-config", "-s", "maximum_lag_on_failover=1048577", "--force");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("Not changed");

        Run unanswered = pghactl("edit-config", "-s", "maximum_lag_on_failover=1048578");
        assertThat(unanswered.code())
                .as("no answer at the prompt: nothing applied")
                .isEqualTo(ExitCode.FAILED);
        assertThat(unanswered.out()).contains("Apply these changes? [y/N]");
        assertThat(pghactl("show-config").out()).contains("maximum_lag_on_failover: 1048577");

        Run invalid = pghactl("edit-config", "-s", "ttl=-5", "--force");
        assertThat(invalid.code()).as(invalid.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(invalid.err()).contains("the config was not changed: 400").contains("ttl");
    }

    @Test
    @Order(3)
    void pauseAndResumeWaitUntilEveryAgentHasSeenIt() throws Exception {
        Run pause = pghactl("pause", "--wait");
        assertThat(pause.code()).as(pause.toString()).isZero();
        assertThat(pause.out()).contains("Success: cluster management is paused");
        assertThat(pghactl("list").out()).contains(" Maintenance mode: on");
        Run twice = pghactl("pause");
        assertThat(twice.code()).isEqualTo(ExitCode.FAILED);
        assertThat(twice.err()).contains("Cluster is already paused");

        Run resume = pghactl("resume", "--wait");
        assertThat(resume.code()).as(resume.toString()).isZero();
        assertThat(resume.out()).contains("Success: cluster management is resumed");
        assertThat(pghactl("list").out()).doesNotContain("Maintenance mode");
    }

    @Test
    @Order(4)
    void switchoverToACandidateChangesTheLeaderAndTheHistoryShowsIt() throws Exception {
        String before = leader();
        String candidate = aReplica();
        Run run = pghactl("switchover", "--candidate", candidate, "--force");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Current cluster topology\n+ Cluster: ");
        assertThat(leader()).isEqualTo(candidate).isNotEqualTo(before);

        Run history = pghactl("history");
        assertThat(history.code()).as(history.toString()).isZero();
        List<String> lines = history.out().lines().toList();
        assertThat(Arrays.stream(lines.get(1).split("\\|")).map(String::strip).filter(s -> !s.isEmpty()))
                .containsExactly("TL", "LSN", "Reason", "Timestamp", "New Leader");
        assertThat(lines.get(lines.size() - 2)).contains(candidate).contains(before);
        awaitHealthy();
    }

    @Test
    @Order(5)
    void restartOfAReplica() throws Exception {
        String replica = aReplica();
        Run run = pghactl("restart", LocalCluster.CLUSTER, replica, "--force");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("Success: restart on member " + replica + "\n");
        awaitHealthy();

        Run dsn = pghactl("dsn", "--member", replica);
        assertThat(dsn.code()).isZero();
        assertThat(dsn.out()).matches("host=127\\.0\\.0\\.1 port=\\d+\\n");
    }

    @Test
    @Order(6)
    void aWrongTokenIsRefusedNamingWhereItCameFrom() throws Exception {
        Run flag = pghactl("--token", "wrong", "pause");
        assertThat(flag.code()).as(flag.toString()).isEqualTo(ExitCode.UNAUTHORIZED);
        assertThat(flag.err())
                .contains("401 Unauthorized from https://")
                .contains("(the token sent came from --token)");

        Run env = pghactl(Map.of("PGHA_TOKEN", "wrong-too"), "restart", LocalCluster.CLUSTER, aReplica(), "--force");
        assertThat(env.code()).as(env.toString()).isEqualTo(ExitCode.UNAUTHORIZED);
        assertThat(env.err())
                .contains("401 Unauthorized from https://")
                .contains("(the token sent came from PGHA_TOKEN)");
        assertThat(pghactl("list").out()).doesNotContain("Maintenance mode");
    }

    @Test
    @Order(7)
    void unknownMembersAndClustersAreNamedWithTheOnesThereAre() throws Exception {
        Run member = pghactl("restart", LocalCluster.CLUSTER, "pg-9", "--force");
        assertThat(member.code()).as(member.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(member.err()).contains("member pg-9 is not in cluster pgha; its members: pg-0, pg-1, pg-2");

        Run candidate = pghactl("switchover", "--candidate", "pg-9", "--force");
        assertThat(candidate.code()).isEqualTo(ExitCode.FAILED);
        assertThat(candidate.err()).contains("pg-9").contains("pg-0, pg-1, pg-2");

        Run cluster = pghactl("list", "nope");
        assertThat(cluster.code()).as(cluster.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(cluster.err()).contains("cluster nope is not known").contains("the clusters there: pgha");
    }

    @Test
    @Order(8)
    void badInputIsAUsageErrorAndAnUnreachableCoordinatorIsNamed() throws Exception {
        Run set = pghactl("edit-config", "-s", "ttl", "--force");
        assertThat(set.code()).as(set.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(set.err()).contains("-s needs key=value");

        Run scheduled = pghactl("switchover", "--candidate", aReplica(), "--scheduled", "yesterday", "--force");
        assertThat(scheduled.code()).isEqualTo(ExitCode.USAGE);
        assertThat(scheduled.err()).contains("--scheduled 'yesterday' is not a time");

        Run option = pghactl("list", "--colour");
        assertThat(option.code()).isEqualTo(ExitCode.USAGE);
        assertThat(option.err()).contains("Unknown option: '--colour'");

        Run unreachable = pghactl("-k", "http://127.0.0.1:1", "list");
        assertThat(unreachable.code()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(unreachable.err())
                .contains("cannot reach a coordinator")
                .contains("http://127.0.0.1:1/api/v1/clusters");
    }

    // ===================================================================================================
    // Backup, restore, alerts, silences, report and status (helper h-ctlbak). One block, kept together.
    // ===================================================================================================

    private static final String CLOSED = "http://127.0.0.1:1";

    @Test
    @Order(100)
    void backupListShowsTheSuitesFirstBackupAndCreateWaitsForANewOne() throws Exception {
        Run list = pghactl("backup", "list", LocalCluster.CLUSTER, "-f", "json");
        assertThat(list.code()).as(list.toString()).isZero();
        List<JsonNode> before = new ArrayList<>();
        Json.read(list.out(), "backup list").forEach(before::add);
        assertThat(before).as(list.toString()).isNotEmpty();
        assertThat(before).allSatisfy(b -> assertThat(b.path("State").asText()).isEqualTo("COMPLETE"));

        Run pretty = pghactl("backup", "list", LocalCluster.CLUSTER);
        assertThat(pretty.out())
                .contains("| Backup")
                .contains("| State")
                .contains(before.get(0).path("Backup").asText());

        Run create = pghactl("backup", "create", LocalCluster.CLUSTER, "--wait");
        assertThat(create.code()).as(create.toString()).isZero();
        assertThat(create.out()).contains("started").containsPattern("Backup \\S+ complete");
        Run after = pghactl("backup", "list", LocalCluster.CLUSTER, "-f", "json");
        assertThat(Json.read(after.out(), "backup list").size()).isEqualTo(before.size() + 1);

        Run show = pghactl(
                "backup",
                "show",
                LocalCluster.CLUSTER,
                before.get(0).path("Backup").asText());
        assertThat(show.code()).as(show.toString()).isZero();
        assertThat(show.out()).contains("\"state\" : \"COMPLETE\"");
    }

    @Test
    @Order(101)
    void restoreRequestsANewClusterAndRefusesBadInput() throws Exception {
        Run badTime = pghactl("restore", LocalCluster.CLUSTER, "--time", "yesterday", "--new-cluster", "copy1");
        assertThat(badTime.code()).as(badTime.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(badTime.err()).contains("--time 'yesterday' is not a time");

        Run two = pghactl("restore", LocalCluster.CLUSTER, "--latest", "--lsn", "0/1", "--new-cluster", "copy1");
        assertThat(two.code()).as(two.toString()).isEqualTo(ExitCode.USAGE);

        Run unknownBackup = pghactl(
                "restore", LocalCluster.CLUSTER, "--latest", "--new-cluster", "copy1", "--backup", "20000101T000000Z");
        assertThat(unknownBackup.code()).as(unknownBackup.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(unknownBackup.err()).contains("backup 20000101T000000Z of pgha does not exist");

        Run unknownShow = pghactl("backup", "show", LocalCluster.CLUSTER, "20000101T000000Z");
        assertThat(unknownShow.code()).as(unknownShow.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(unknownShow.err()).contains("404").contains("does not exist");

        Run same = pghactl("restore", LocalCluster.CLUSTER, "--latest", "--new-cluster", LocalCluster.CLUSTER);
        assertThat(same.code()).as(same.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(same.err()).contains("must differ from the source cluster");

        Run restore = pghactl("restore", LocalCluster.CLUSTER, "--latest", "--new-cluster", "pghactl-copy");
        assertThat(restore.code()).as(restore.toString()).isZero();
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("Restore (r-\\S+) requested").matcher(restore.out());
        assertThat(id.find()).as(restore.toString()).isTrue();
        Run status = pghactl("restore", "status", LocalCluster.CLUSTER, id.group(1));
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out()).contains("\"new_cluster\" : \"pghactl-copy\"").contains("\"state\" : \"requested\"");
        Run again = pghactl("restore", LocalCluster.CLUSTER, "--latest", "--new-cluster", "pghactl-copy");
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(again.err()).contains("already has a restore request");
    }

    @Test
    @Order(102)
    void alertsListTheFiringAlertsOfTheCluster() throws Exception {
        Wait.until(Duration.ofSeconds(60), Duration.ofSeconds(2), "alert-service knows cluster pgha", () -> {
            Run alerts = pghactl("alerts", LocalCluster.CLUSTER, "-f", "json");
            return alerts.code() == 0 && Json.read(alerts.out(), "alerts").isArray();
        });
        Run pretty = pghactl("alerts", LocalCluster.CLUSTER);
        assertThat(pretty.code()).as(pretty.toString()).isZero();
        assertThat(pretty.out()).contains("| Alert").contains("| Severity");

        Run unknown = pghactl("alerts", "no-such-cluster");
        assertThat(unknown.code()).as(unknown.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(unknown.err()).contains("no events of cluster 'no-such-cluster' seen");
    }

    @Test
    @Order(103)
    void silenceListAndExpireThroughAlertmanager() throws Exception {
        Run silence = pghactl(
                "silence", LocalCluster.CLUSTER, "--alert", "PghactlItAlert", "--duration", "30m", "--comment", "it");
        assertThat(silence.code()).as(silence.toString()).isZero();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Silence (\\S+) of PghactlItAlert")
                .matcher(silence.out());
        assertThat(id.find()).as(silence.toString()).isTrue();

        Run list = pghactl("silence", "list", LocalCluster.CLUSTER, "-f", "json");
        assertThat(list.code()).as(list.toString()).isZero();
        assertThat(list.out()).contains(id.group(1)).contains("alertname=PghactlItAlert");

        Run expire = pghactl("silence", "expire", LocalCluster.CLUSTER, id.group(1));
        assertThat(expire.code()).as(expire.toString()).isZero();
        Run listed = pghactl("silence", "list", LocalCluster.CLUSTER);
        assertThat(listed.out()).doesNotContain(id.group(1));
        Run all = pghactl("silence", "list", LocalCluster.CLUSTER, "--all");
        assertThat(all.out()).contains(id.group(1)).contains("expired");

        Run badDuration = pghactl("silence", LocalCluster.CLUSTER, "--alert", "X", "--duration", "soon");
        assertThat(badDuration.code()).as(badDuration.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(badDuration.err()).contains("--duration 'soon' is not a duration");
        Run noAlert = pghactl("silence", LocalCluster.CLUSTER);
        assertThat(noAlert.code()).isEqualTo(ExitCode.USAGE);
        Run badId = pghactl("silence", "expire", LocalCluster.CLUSTER, "not/an/id");
        assertThat(badId.code()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    @Order(104)
    void reportIsAZipWithoutTheToken() throws Exception {
        Path zip = userHome.resolve("report.zip");
        Run report = pghactl("report", LocalCluster.CLUSTER, "-o", zip.toString());
        assertThat(report.code()).as(report.toString()).isZero();
        String token = Files.readString(cluster.home().resolve(LocalCluster.TOKEN_FILE))
                .strip();
        List<String> names = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            java.util.zip.ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(names)
                .contains(
                        "pghactl.txt",
                        "cluster.json",
                        "config.json",
                        "history.json",
                        "members/pg-0.patroni.json",
                        "backup-status.json",
                        "backups.json",
                        "alerts.json")
                .doesNotContain("errors.txt");
        assertThat(all.toString()).doesNotContain(token).contains("\"cluster\" : \"pgha\"");
    }

    @Test
    @Order(105)
    void statusShowsEverySection() throws Exception {
        Run status = pghactl("status", LocalCluster.CLUSTER);
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("Cluster Summary")
                .containsPattern("Instances:\\s+3 \\(3 running or streaming\\)")
                .contains("Continuous Backup")
                .containsPattern("First point of recoverability:\\s+20\\d\\d-")
                .containsPattern("Working WAL archiving:\\s+(OK|FAILING|nothing archived yet)")
                .contains("Streaming Replication")
                .containsPattern("\\| pg-\\d \\| streaming")
                .contains("Active Alerts");
    }

    @Test
    @Order(106)
    void eachUnreachableServiceIsNamed() throws Exception {
        Run backup = pghactl("backup", "list", LocalCluster.CLUSTER, "--backup-url", CLOSED);
        assertThat(backup.code()).as(backup.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(backup.err())
                .contains("cannot reach backup-service at " + CLOSED)
                .contains("--backup-url");

        Run alerts = pghactl(Map.of("PGHA_ALERT_URL", CLOSED), "alerts", LocalCluster.CLUSTER);
        assertThat(alerts.code()).as(alerts.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(alerts.err())
                .contains("cannot reach alert-service at " + CLOSED)
                .contains("PGHA_ALERT_URL");

        Run silences = pghactl("--alertmanager-url", CLOSED, "silence", "list", LocalCluster.CLUSTER);
        assertThat(silences.code()).as(silences.toString()).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(silences.err()).contains("cannot reach Alertmanager at " + CLOSED);

        Run status = pghactl("status", LocalCluster.CLUSTER, "--backup-url", CLOSED, "--alert-url", CLOSED);
        assertThat(status.code()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("Continuous Backup\nbackup-service did not answer: cannot reach backup-service")
                .contains("Active Alerts\nalert-service did not answer: cannot reach alert-service")
                .contains("Streaming Replication");

        Run coordinatorDown = pghactl("status", LocalCluster.CLUSTER, "-k", CLOSED);
        assertThat(coordinatorDown.code()).as(coordinatorDown.toString()).isZero();
        assertThat(coordinatorDown.out())
                .contains("The coordinator did not answer: cannot reach a coordinator")
                .contains("Working WAL archiving");

        Path zip = userHome.resolve("report-partial.zip");
        Run report = pghactl("report", LocalCluster.CLUSTER, "-o", zip.toString(), "--backup-url", CLOSED);
        assertThat(report.code()).as(report.toString()).isZero();
        assertThat(report.out()).contains("see errors.txt");
    }

    // ===================================================================================================
    // flush, query, remove, failover, reload, reinit, restart --pending, list -W (branch h-ctlops).
    // Orders 200-299 (after the backup block). remove is tried on the suite's cluster only with wrong confirmations
    // (nothing is
    // removed); the real removal is of a cluster whose keys the test writes into etcd itself.
    // ===================================================================================================

    /** pghactl with {@code input} on stdin (the answers at its prompts). */
    static Run pghactlAnswering(String input, String... args) throws IOException, InterruptedException {
        return launch(Map.of(), input, args);
    }

    /** {@code list -e -f json}'s Scheduled restart of {@code member} ("" for none). */
    static String scheduledRestart(String member) throws Exception {
        Run run = pghactl("list", "-e", "-f", "json");
        assertThat(run.code()).as(run.toString()).isZero();
        for (JsonNode m : Json.read(run.out(), "list -e -f json")) {
            if (m.path("Member").asText().equals(member)) {
                return m.path("Scheduled restart").asText("");
            }
        }
        throw new AssertionError("no member " + member + " in " + run.out());
    }

    /** etcdctl against the suite's etcd (with the suite's root certificate while TLS is on). */
    static String etcdctl(String... args) {
        io.pgha.core.store.EtcdAccess access = cluster.etcdAccess();
        List<String> command =
                new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", access.endpoints())));
        access.tls().ifPresent(tls -> {
            command.add("--cacert=" + tls.caFile());
            tls.certFile().ifPresent(cert -> command.add("--cert=" + cert));
            tls.keyFile().ifPresent(key -> command.add("--key=" + key));
        });
        command.addAll(Arrays.asList(args));
        io.pgha.local.Commands.Result result =
                io.pgha.local.Commands.run(command, Map.of("ETCDCTL_API", "3"), Duration.ofSeconds(15));
        assertThat(result.ok()).as(result.toString()).isTrue();
        return result.output();
    }

    @Test
    @Order(200)
    void flushRestartDiscardsAScheduledRestart() throws Exception {
        String replica = aReplica();
        String at = java.time.OffsetDateTime.now().plusHours(1).withNano(0).toString();
        Run schedule = pghactl("restart", LocalCluster.CLUSTER, replica, "--scheduled", at, "--force");
        assertThat(schedule.code()).as(schedule.toString()).isZero();
        assertThat(schedule.out()).contains("Success: restart scheduled on member " + replica);
        Wait.until(Duration.ofSeconds(15), "list -e shows the scheduled restart of " + replica, () -> !scheduledRestart(
                        replica)
                .isEmpty());

        Run flush = pghactl("flush", LocalCluster.CLUSTER, replica, "restart", "--force");
        assertThat(flush.code()).as(flush.toString()).isZero();
        assertThat(flush.out()).isEqualTo("Success: flush scheduled restart for member " + replica + "\n");
        Wait.until(Duration.ofSeconds(15), "list -e shows no scheduled restart of " + replica, () -> scheduledRestart(
                        replica)
                .isEmpty());

        Run again = pghactl("flush", LocalCluster.CLUSTER, replica, "restart", "--force");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("No scheduled restart for member " + replica + "\n");

        Run bad = pghactl("flush", LocalCluster.CLUSTER, "reboot");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).contains("restart or switchover (got 'reboot')");
    }

    @Test
    @Order(210)
    void flushSwitchoverDiscardsAScheduledSwitchover() throws Exception {
        String leader = leader();
        String candidate = aReplica();
        String at = java.time.OffsetDateTime.now().plusHours(1).withNano(0).toString();
        Run schedule = pghactl("switchover", "--candidate", candidate, "--scheduled", at, "--force");
        assertThat(schedule.code()).as(schedule.toString()).isZero();
        Wait.until(Duration.ofSeconds(15), "list shows the scheduled switchover", () -> pghactl("list")
                .out()
                .contains(" Switchover scheduled at: "));

        Run flush = pghactl("flush", LocalCluster.CLUSTER, "switchover");
        assertThat(flush.code()).as(flush.toString()).isZero();
        assertThat(flush.out()).isEqualTo("Success: scheduled switchover deleted\n");
        assertThat(pghactl("list").out()).doesNotContain("Switchover scheduled");
        assertThat(leader()).isEqualTo(leader);

        Run none = pghactl("flush", LocalCluster.CLUSTER, "switchover");
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out()).isEqualTo("No pending scheduled switchover\n");
    }

    @Test
    @Order(220)
    void queryRunsSqlOnTheLeaderAndABadStatementFailsWithItsReason() throws Exception {
        Map<String, String> password = Map.of("PGPASSWORD", cluster.superuserPassword());
        Run one = pghactl(password, "query", LocalCluster.CLUSTER, "-c", "select 1 as one, pg_is_in_recovery() as r");
        assertThat(one.code()).as(one.toString()).isZero();
        assertThat(one.out()).isEqualTo("one\tr\n1\tfalse\n");

        Run replica =
                pghactl(password, "query", "-r", "replica", "-c", "select pg_is_in_recovery()", "--format", "json");
        assertThat(replica.code()).as(replica.toString()).isZero();
        assertThat(Json.read(replica.out(), "query --format json")
                        .get(0)
                        .path("pg_is_in_recovery")
                        .asBoolean())
                .isTrue();

        Run bad = pghactl(password, "query", "-c", "select nothing from nowhere");
        assertThat(bad.code()).as(bad.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(bad.err())
                .contains("query on member " + leader() + " (postgres@127.0.0.1:")
                .contains("SQLSTATE 42P01")
                .contains("nowhere");

        Run wrongPassword = pghactl(Map.of("PGPASSWORD", "wrong"), "query", "-c", "select 1");
        assertThat(wrongPassword.code()).as(wrongPassword.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(wrongPassword.err()).contains("SQLSTATE 28P01").doesNotContain("wrong\n");

        Run noSql = pghactl("query");
        assertThat(noSql.code()).isEqualTo(ExitCode.USAGE);
        assertThat(noSql.err()).contains("give the SQL with -c SQL or with -f FILE");
    }

    @Test
    @Order(230)
    void removeWithAWrongConfirmationRemovesNothing() throws Exception {
        Run wrongName = pghactlAnswering("pgh\n", "remove", LocalCluster.CLUSTER);
        assertThat(wrongName.code()).as(wrongName.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(wrongName.out()).contains("Please confirm the cluster name to remove: ");
        assertThat(wrongName.err()).contains("Cluster names specified do not match; nothing removed");

        Run notAware = pghactlAnswering(LocalCluster.CLUSTER + "\nyes\n", "remove", LocalCluster.CLUSTER);
        assertThat(notAware.code()).as(notAware.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(notAware.err()).contains("You did not exactly type \"Yes I am aware\"");

        Run notLeader =
                pghactlAnswering(LocalCluster.CLUSTER + "\nYes I am aware\npg-9\n", "remove", LocalCluster.CLUSTER);
        assertThat(notLeader.code()).as(notLeader.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(notLeader.out()).contains("This cluster currently is healthy. Please specify the leader name");
        assertThat(notLeader.err()).contains("You did not specify the current leader of the cluster");

        Run noAnswer = pghactl("remove", LocalCluster.CLUSTER);
        assertThat(noAnswer.code()).as(noAnswer.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(noAnswer.err()).contains("Aborted!");
        awaitHealthy();
    }

    @Test
    @Order(240)
    void removeWipesAClustersKeysFromEtcd() throws Exception {
        // a cluster of its own (no agent runs for it), so that the suite's cluster stays
        etcdctl("put", "/pgha/doomed/config", "{\"ttl\": 30}");
        etcdctl("put", "/pgha/doomed/initialize", "7301234567890123456");
        Wait.until(
                Duration.ofSeconds(15),
                "the coordinator knows cluster doomed",
                () -> pghactl("list", "doomed").code() == 0);

        Run remove = pghactlAnswering("doomed\nYes I am aware\n", "remove", "doomed");
        assertThat(remove.code()).as(remove.toString()).isZero();
        assertThat(remove.out()).contains("Success: removed cluster doomed from etcd (");

        Run gone = pghactl("list", "doomed");
        assertThat(gone.code()).as(gone.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(gone.err()).contains("cluster doomed is not known").contains("the clusters there: pgha");
        assertThat(etcdctl("get", "--prefix", "--keys-only", "/pgha/doomed/"))
                .doesNotContain("/pgha/doomed/config")
                .doesNotContain("/pgha/doomed/initialize");
        assertThat(etcdctl("get", "--prefix", "--keys-only", "/pgha/pgha/members/"))
                .contains("/pgha/pgha/members/");
        awaitHealthy();
    }

    @Test
    @Order(250)
    void failoverToACandidateWithoutSynchronousMode() throws Exception {
        assertThat(pghactl("show-config").out()).doesNotContain("synchronous_mode: true");
        String before = leader();
        String candidate = aReplica();
        Run run = pghactl("failover", "--candidate", candidate, "--force");
        assertThat(run.code()).as(run.toString()).isZero();
        Wait.until(Duration.ofSeconds(30), candidate + " leads", () -> leader().equals(candidate));
        assertThat(candidate).isNotEqualTo(before);
        awaitHealthy();
    }

    @Test
    @Order(260)
    void reloadOnEveryMember() throws Exception {
        Run run = pghactl("reload", LocalCluster.CLUSTER, "--force");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out().lines())
                .hasSize(3)
                .allMatch(l -> l.matches("(Success: reload on member|Reload request received for member) pg-\\d.*"));
    }

    @Test
    @Order(270)
    void reinitOfAReplicaWaitsUntilItRunsAgain() throws Exception {
        String replica = aReplica();
        Run run = pghactl("reinit", LocalCluster.CLUSTER, replica, "--force", "--wait");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("Success: reinitialize for member " + replica)
                .contains("Reinitialize is completed on: " + replica);
        awaitHealthy();

        Run leader = pghactl("reinit", LocalCluster.CLUSTER, leader(), "--force");
        assertThat(leader.code()).as(leader.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(leader.err()).contains("is the leader of cluster pgha");
    }

    @Test
    @Order(280)
    void restartPendingWithNothingPendingRestartsNothing() throws Exception {
        Run run = pghactl("restart", LocalCluster.CLUSTER, "--pending", "--force");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo("No member of pgha has settings pending a restart\n");
    }

    @Test
    @Order(290)
    void listWatchPrintsTheTableAgainUntilStopped() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Duser.home=" + userHome,
                "-Dpghactl.local=" + cluster.home(),
                "-jar",
                System.getProperty("pghactl.jar"),
                "list",
                "-w",
                "0.5"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("PGHA"));
        Path out = Files.createTempFile(userHome, "watch", ".txt");
        builder.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process process = builder.start();
        try {
            Wait.until(
                    Duration.ofSeconds(30),
                    "list -w 0.5 printed two tables",
                    () -> Files.readString(out)
                                    .lines()
                                    .filter(l -> l.startsWith("+ Cluster: " + LocalCluster.CLUSTER + " "))
                                    .count()
                            >= 2);
            assertThat(process.isAlive()).as("watch goes on until stopped").isTrue();
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(process.isAlive()).isFalse();
        String printed = Files.readString(out);
        assertThat(printed.lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*")))
                .as("each table is preceded by its time")
                .hasSizeGreaterThanOrEqualTo(2);
    }
}
