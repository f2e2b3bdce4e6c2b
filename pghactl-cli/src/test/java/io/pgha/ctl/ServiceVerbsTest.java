package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backup, alert and silence verbs' pure parts: where the services are, bodies, tables, status. */
class ServiceVerbsTest {
    private static final Optional<Connection.LocalCheckout> LOCAL = Optional.of(new Connection.LocalCheckout(
            Path.of("/repo/.pgha"),
            "pgha",
            java.util.List.of("http://127.0.0.1:8020"),
            Path.of("/repo/.pgha/api-token"),
            Map.of("backup-service", "http://127.0.0.1:8093", "alertmanager", "http://127.0.0.1:9093")));

    private static CtlConfig config(String yaml) {
        return CtlConfig.parse(Path.of("/home/op/pghactl.yaml"), Json.readYaml(yaml, "test"));
    }

    @Test
    void serviceUrlsComeFromFlagEnvConfigThenTheLocalSuite() {
        var backup = ServiceUrls.Service.BACKUP;
        assertThat(ServiceUrls.resolve(
                        backup,
                        Optional.of("b:1"),
                        Map.of("PGHA_BACKUP_URL", "http://e:2"),
                        Optional.empty(),
                        Optional.empty(),
                        LOCAL))
                .satisfies(l -> assertThat(l.uri()).hasToString("http://b:1"))
                .satisfies(l -> assertThat(l.source()).isEqualTo("--backup-url"));
        assertThat(ServiceUrls.resolve(
                                backup,
                                Optional.empty(),
                                Map.of("PGHA_BACKUP_URL", "http://e:2"),
                                Optional.empty(),
                                Optional.empty(),
                                LOCAL)
                        .source())
                .isEqualTo("PGHA_BACKUP_URL");
        CtlConfig file = config(
                """
                backup_url: http://shared-backup:8093
                clusters:
                  prod: {backup_url: "http://prod-backup:8093/"}
                  staging: {}
                """);
        assertThat(ServiceUrls.resolve(
                                backup, Optional.empty(), Map.of(), Optional.of(file), Optional.of("prod"), LOCAL)
                        .uri())
                .hasToString("http://prod-backup:8093");
        assertThat(ServiceUrls.resolve(
                                backup, Optional.empty(), Map.of(), Optional.of(file), Optional.of("staging"), LOCAL)
                        .uri())
                .hasToString("http://shared-backup:8093");
        var local = ServiceUrls.resolve(
                ServiceUrls.Service.ALERTMANAGER,
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                LOCAL);
        assertThat(local.uri()).hasToString("http://127.0.0.1:9093");
        assertThat(local.source()).contains("state.properties (./pgha up)");
        assertThatThrownBy(() -> ServiceUrls.resolve(
                        ServiceUrls.Service.ALERTS,
                        Optional.empty(),
                        Map.of(),
                        Optional.empty(),
                        Optional.empty(),
                        LOCAL))
                .isInstanceOf(CtlException.class)
                .hasMessageContaining("--alert-url")
                .hasMessageContaining("PGHA_ALERT_URL")
                .hasMessageContaining("alert_url:")
                .satisfies(e -> assertThat(((CtlException) e).exitCode()).isEqualTo(ExitCode.UNREACHABLE));
        assertThatThrownBy(() -> config("clusters: {prod: {backup: x}}"))
                .hasMessageContaining("unknown setting clusters.prod.backup")
                .hasMessageContaining("backup_url");
    }

    @Test
    void durations() {
        assertThat(DurationText.parse("1h", "--duration")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("2h30m", "--duration")).isEqualTo(Duration.ofMinutes(150));
        assertThat(DurationText.parse("1d", "--duration")).isEqualTo(Duration.ofDays(1));
        for (String bad : new String[] {"", "0m", "1 hour", "h", "-1h", "1h x"}) {
            assertThatThrownBy(() -> DurationText.parse(bad, "--duration"))
                    .as(bad)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void restoreBodies() {
        RestoreCommand.Target t = new RestoreCommand.Target();
        t.time = "2026-12-01 10:15:30Z";
        assertThat(Json.write(RestoreCommand.body(t, "copy", "20261201T101530Z", true)))
                .isEqualTo("{\"target\":{\"time\":\"2026-12-01T10:15:30Z\",\"inclusive\":false},"
                        + "\"backup_id\":\"20261201T101530Z\",\"destination\":{\"new_cluster\":\"copy\"}}");
        RestoreCommand.Target latest = new RestoreCommand.Target();
        latest.latest = true;
        assertThat(Json.write(RestoreCommand.body(latest, "copy", null, false)))
                .isEqualTo("{\"target\":{\"latest\":true},\"destination\":{\"new_cluster\":\"copy\"}}");
        RestoreCommand.Target bad = new RestoreCommand.Target();
        bad.time = "yesterday";
        assertThatThrownBy(() -> RestoreCommand.body(bad, "copy", null, false))
                .hasMessageContaining("--time 'yesterday' is not a time");
        RestoreCommand.Target lsn = new RestoreCommand.Target();
        lsn.lsn = "0/zz";
        assertThatThrownBy(() -> RestoreCommand.body(lsn, "copy", null, false)).hasMessageContaining("not an LSN");
    }

    @Test
    void silenceBodyMatchesTheAlertAndTheCluster() {
        JsonNode body = SilenceCommand.body(
                "pgha",
                "PghaReplicaLagging",
                "pg-1",
                Instant.parse("2026-12-02T10:00:00Z"),
                Instant.parse("2026-12-02T11:00:00Z"),
                "op",
                "maintenance");
        assertThat(Json.write(body))
                .contains(
                        "{\"name\":\"alertname\",\"value\":\"PghaReplicaLagging\",\"isRegex\":false,\"isEqual\":true}")
                .contains("{\"name\":\"cluster\",\"value\":\"pgha\"")
                .contains("{\"name\":\"member\",\"value\":\"pg-1\"")
                .contains("\"endsAt\":\"2026-12-02T11:00:00Z\"");
        JsonNode listed = Json.read(
                """
                [{"id":"a1","status":{"state":"active"},"matchers":[{"name":"alertname","value":"X","isRegex":false,"isEqual":true}],
                  "endsAt":"2026-12-02T11:00:00Z","createdBy":"op","comment":"c"},
                 {"id":"a2","status":{"state":"expired"},"matchers":[],"endsAt":"","createdBy":"","comment":""}]""",
                "t");
        assertThat(SilenceCommand.table(listed, false).rows()).hasSize(1);
        assertThat(SilenceCommand.table(listed, false).render(Table.Format.TSV)).contains("a1\tactive\talertname=X\t");
        assertThat(SilenceCommand.table(listed, true).rows()).hasSize(2);
    }

    @Test
    void statusShowsEachSectionAndNamesTheServicesThatDidNotAnswer() {
        JsonNode view = Json.read(
                """
                {"cluster":"pgha","leader":"pg-0","epoch":7,"pause":false,"coordinator":"coordinator-1",
                 "members":[{"name":"pg-0","role":"leader","state":"running","host":"h","port":1,"api_url":"http://h:8008","timeline":2,"lag":0},
                            {"name":"pg-1","role":"replica","state":"streaming","host":"h","port":2,"api_url":"http://h:8009","timeline":2,"lag":16},
                            {"name":"pg-2","role":"replica","state":"streaming","host":"h","port":3,"api_url":"http://h:8010","timeline":2}],
                 "synchronous":{"mode":true,"strict":false,"promotable":["pg-1"]}}""",
                "v");
        JsonNode primary = Json.read(
                """
                {"xlog":{"location":1000},"replication":[{"application_name":"pg-1","sync_state":"sync"},
                 {"application_name":"pg-2","sync_state":"async"}]}""",
                "p");
        JsonNode replica = Json.read(
                "{\"replication_state\":\"streaming\",\"xlog\":{\"received_location\":990,\"replayed_location\":900,\"paused\":false}}",
                "r");
        Map<String, StatusCommand.Outcome> patroni = new java.util.LinkedHashMap<>();
        patroni.put("pg-0", StatusCommand.Outcome.of(primary));
        patroni.put("pg-1", StatusCommand.Outcome.of(replica));
        patroni.put("pg-2", StatusCommand.Outcome.failed("cannot reach member pg-2's agent"));
        JsonNode backup = Json.read(
                """
                {"last_backup":{"id":"20261202T100000Z","completed_at":"2026-12-02T10:01:00Z","member":"pg-1"},
                 "next_scheduled":"2026-12-03T01:00:00Z",
                 "archiving":{"member":"pg-0","status":{"last_archived_wal":"000000020000000000000005","last_archived_at":"2026-12-02T10:05:00Z",
                   "last_failed_wal":"000000020000000000000003","last_failed_at":"2026-12-02T10:02:00Z","last_failure":"disk full"}},
                 "last_drill":{"ok":true,"backup_id":"20261202T100000Z","rto_seconds":12.34,"rpo_seconds":0.5,"at":"2026-12-02T10:10:00Z"}}""",
                "b");
        JsonNode backups = Json.read(
                "[{\"id\":\"20261202T100000Z\",\"state\":\"COMPLETE\",\"stopped_at\":\"2026-12-02T10:00:59Z\"}]", "l");

        String text = StatusCommand.render(
                "pgha",
                StatusCommand.Outcome.of(view),
                patroni,
                StatusCommand.Outcome.of(backup),
                StatusCommand.Outcome.of(backups),
                StatusCommand.Outcome.failed("cannot reach alert-service at http://127.0.0.1:1/x"),
                Instant.parse("2026-12-02T10:20:00Z"));

        assertThat(text)
                .contains("Cluster Summary")
                .containsPattern("Primary:\\s+pg-0 \\(timeline 2\\)")
                .containsPattern("Synchronous replication:\\s+on \\(may be promoted: pg-1\\)")
                .containsPattern("First point of recoverability:\\s+2026-12-02T10:00:59Z")
                .containsPattern("Working WAL archiving:\\s+OK \\(on pg-0\\)")
                .containsPattern("Last failed WAL:\\s+000000020000000000000003 @ 2026-12-02T10:02:00Z: disk full")
                .containsPattern("Drill RTO / RPO:\\s+12.3 s / 0.5 s")
                .containsPattern("\\| pg-1 \\| streaming \\| sync\\s+\\|\\s+10 \\|\\s+100 \\| no")
                .contains("agent did not answer: pg-2: cannot reach member pg-2's agent")
                .contains("Active Alerts\nalert-service did not answer: cannot reach alert-service");

        String down = StatusCommand.render(
                "pgha",
                StatusCommand.Outcome.failed("cannot reach a coordinator"),
                Map.of(),
                StatusCommand.Outcome.failed("cannot reach backup-service"),
                StatusCommand.Outcome.failed("cannot reach backup-service"),
                StatusCommand.Outcome.of(Json.read("{\"alerts\":[]}", "a")),
                Instant.now());
        assertThat(down)
                .contains("The coordinator did not answer: cannot reach a coordinator")
                .contains("Continuous Backup\nbackup-service did not answer")
                .contains("Streaming Replication\nunknown: the coordinator did not answer")
                .contains("Active Alerts\nnone");
    }

    @Test
    void archivingWorksWhenTheLastArchivedIsNewerThanTheLastFailure() {
        assertThat(StatusCommand.archivingWorks(Json.read(
                        "{\"last_archived_at\":\"2026-12-02T10:00:00Z\",\"last_failed_at\":\"2026-12-02T10:01:00Z\"}",
                        "a")))
                .isEqualTo("FAILING");
        assertThat(StatusCommand.archivingWorks(Json.read("{\"conflict\":\"two primaries\"}", "a")))
                .isEqualTo("FAILING: two primaries");
        assertThat(StatusCommand.archivingWorks(Json.MAPPER.missingNode())).startsWith("unknown");
    }
}
