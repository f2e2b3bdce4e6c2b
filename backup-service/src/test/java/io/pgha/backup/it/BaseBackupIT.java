package io.pgha.backup.it;

import static io.pgha.backup.it.BackupFixture.CLUSTER;
import static io.pgha.backup.it.BackupFixture.TOKEN;
import static io.pgha.backup.it.BackupFixture.get;
import static io.pgha.backup.it.BackupFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.local.LocalInfra;
import io.pgha.local.QuarkusService;
import io.pgha.local.Signal;
import io.pgha.local.Wait;
import io.pgha.repository.catalog.BackupRecord;
import io.pgha.repository.catalog.BackupState;
import io.pgha.repository.wal.WalName;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * backup-service against a real primary and replica (WAL archived into a posix repository), etcd and
 * Kafka: an on-demand backup from the replica completes with its WAL and a restore drill restores
 * it; a backup-service killed mid-backup leaves nothing listed as complete, and the next one cleans up
 * and succeeds; bad requests get 4xx with a reason.
 */
class BaseBackupIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/v1/clusters/" + CLUSTER;

    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void aBackupFromTheReplicaCompletesWithItsWalAndADrillRestoresIt() throws Exception {
        BackupFixture fx = new BackupFixture(infra);
        fx.primary.execute("CREATE TABLE items (id int PRIMARY KEY, note text)");
        fx.primary.execute("INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 5000) g");
        QuarkusService service = fx.start("bs-0", Map.of("pgha.backup.retention.full-count", "1"));
        awaitActive(service, "bs-0");

        HttpResponse<String> anonymous = post(service, API + "/backups", "", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("this call changes backups: send Authorization: Bearer <token>");
        HttpResponse<String> started = post(service, API + "/backups", "", TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = JSON.readTree(started.body()).path("id").asText();

        JsonNode backup = awaitState(service, id, "COMPLETE", Duration.ofSeconds(120));
        assertThat(backup.path("member").asText()).isEqualTo("pg-1");
        assertThat(backup.path("files").asInt()).isGreaterThan(100);
        BackupRecord record = fx.repository.catalog(CLUSTER).get(id).orElseThrow();
        WalName start = WalName.parse(record.startWal());
        WalName stop = WalName.parse(record.stopWal());
        for (WalName w = start; w.segmentNumber() <= stop.segmentNumber(); w = w.next()) {
            assertThat(fx.archive.contains(w))
                    .as("%s archived before %s was complete", w, id)
                    .isTrue();
        }
        JsonNode listed = JSON.readTree(get(service, API + "/backups").body());
        assertThat(listed.findValuesAsText("id")).containsExactly(id);

        badRequestsGetReasons(service);

        HttpResponse<String> drill = post(service, API + "/drills", "", TOKEN);
        assertThat(drill.statusCode()).as(drill.body()).isEqualTo(202);
        String drillId = JSON.readTree(drill.body()).path("id").asText();
        AtomicReference<JsonNode> result = new AtomicReference<>();
        Wait.until(Duration.ofSeconds(180), "drill " + drillId + " finished", () -> {
            JsonNode last = JSON.readTree(get(service, API + "/status").body()).path("last_drill");
            result.set(last);
            return last.path("id").asText().equals(drillId);
        });
        JsonNode last = result.get();
        System.out.println("restore drill: " + last);
        assertThat(last.path("ok").asBoolean()).as(last.toString()).isTrue();
        assertThat(last.path("backup_id").asText()).isEqualTo(id);
        assertThat(last.path("rto_seconds").asDouble()).isPositive();
        assertThat(last.path("rpo_seconds").isNumber()).as(last.toString()).isTrue();
        String metrics = get(service, "/q/metrics").body();
        assertThat(metrics).contains("pgha_backup_drill_rto_seconds{cluster=\"demo\"}");
        assertThat(metrics).contains("pgha_backup_drill_success{cluster=\"demo\"} 1.0");

        logicalBackupRestoresIntoANewDatabase(service, fx);

        Wait.until(Duration.ofSeconds(30), "the backup events on pgha.backup", () -> {
            List<String> types = new java.util.ArrayList<>();
            for (var r : io.pgha.local.KafkaBroker.readToEnd(fx.kafka, "pgha.backup")) {
                var header = r.headers().lastHeader("ce_type");
                if (header != null) {
                    types.add(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return types.containsAll(List.of(
                    "io.pgha.base-backup-started.v1",
                    "io.pgha.base-backup-completed.v1",
                    "io.pgha.wal-archive-progress.v1",
                    "io.pgha.restore-requested.v1",
                    "io.pgha.restore-drill-completed.v1",
                    "io.pgha.logical-backup-completed.v1"));
        });

        retentionKeepsOnlyTheNewestBackupAndItsWal(service, fx, id);
    }

    /** With full-count 1, a second complete backup removes the first and the WAL before its own start. */
    private static void retentionKeepsOnlyTheNewestBackupAndItsWal(QuarkusService s, BackupFixture fx, String first)
            throws Exception {
        fx.primary.execute("INSERT INTO items SELECT g, 'more ' || g FROM generate_series(5001, 6000) g");
        fx.primary.execute("SELECT pg_switch_wal()");
        HttpResponse<String> started = post(s, API + "/backups", "", TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String second = JSON.readTree(started.body()).path("id").asText();
        awaitState(s, second, "COMPLETE", Duration.ofSeconds(120));
        Wait.until(
                Duration.ofSeconds(30),
                "backup " + first + " removed by retention",
                () -> fx.repository.catalog(CLUSTER).get(first).isEmpty());
        WalName start = WalName.parse(
                fx.repository.catalog(CLUSTER).get(second).orElseThrow().startWal());
        assertThat(fx.archive.list())
                .filteredOn(w -> w.kind() != WalName.Kind.HISTORY)
                .isNotEmpty()
                .allMatch(w -> w.segmentNumber() >= start.segmentNumber(), "no WAL before " + start);
        assertThat(fx.archive.contains(start)).isTrue();
    }

    private static void logicalBackupRestoresIntoANewDatabase(QuarkusService s, BackupFixture fx) throws Exception {
        HttpResponse<String> dump = post(s, API + "/dumps", "", TOKEN);
        assertThat(dump.statusCode()).as(dump.body()).isEqualTo(202);
        String id = JSON.readTree(dump.body()).path("id").asText();
        AtomicReference<JsonNode> run = new AtomicReference<>();
        Wait.until(Duration.ofSeconds(60), "logical backup " + id + " finished", () -> {
            for (JsonNode r : JSON.readTree(get(s, API + "/dumps").body())) {
                if (r.path("id").asText().equals(id)
                        && !r.path("state").asText().equals("RUNNING")) {
                    run.set(r);
                    return true;
                }
            }
            return false;
        });
        assertThat(run.get().path("state").asText()).as(run.get().toString()).isEqualTo("COMPLETE");
        assertThat(run.get().path("databases").findValuesAsText("name")).contains("postgres");

        assertError(
                post(
                        s,
                        API + "/dumps/" + id + "/restore",
                        "{\"database\": \"postgres\", \"into\": \"x; drop\"}",
                        TOKEN),
                400,
                "into");
        assertError(
                post(s, API + "/dumps/" + id + "/restore", "{\"database\": \"nope\", \"into\": \"copy\"}", TOKEN),
                404,
                "no database nope");
        HttpResponse<String> restore = post(
                s,
                API + "/dumps/" + id + "/restore",
                "{\"database\": \"postgres\", \"into\": \"postgres_copy\"}",
                TOKEN);
        assertThat(restore.statusCode()).as(restore.body()).isEqualTo(202);
        AtomicReference<JsonNode> outcome = new AtomicReference<>();
        Wait.until(Duration.ofSeconds(60), "dump restore finished", () -> {
            JsonNode last = JSON.readTree(get(s, API + "/status").body()).at("/logical_backups/last_restore");
            outcome.set(last);
            return !last.path("state").asText().equals("RUNNING") && !last.isMissingNode() && !last.isNull();
        });
        assertThat(outcome.get().path("state").asText())
                .as(outcome.get().toString())
                .isEqualTo("COMPLETE");
        String copy =
                "jdbc:postgresql://" + fx.primary.host() + ":" + fx.primary.port() + "/postgres_copy?user=postgres";
        assertThat(((Number) io.pgha.local.PostgresNode.queryValue(copy, "SELECT count(*) FROM items")).longValue())
                .isEqualTo(5000);
    }

    @Test
    void aServiceKilledMidBackupLeavesNoCompleteBackupAndTheNextCleansUpAndSucceeds() throws Exception {
        BackupFixture fx = new BackupFixture(infra);
        QuarkusService slow = fx.start("bs-0", Map.of("pgha.backup.max-rate", "1M"));
        awaitActive(slow, "bs-0");
        HttpResponse<String> started = post(slow, API + "/backups", "", TOKEN);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String killed = JSON.readTree(started.body()).path("id").asText();
        HttpResponse<String> second = post(slow, API + "/backups", "", TOKEN);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(second.body()).path("error").asText()).contains(killed);
        Wait.until(Duration.ofSeconds(30), "backup " + killed + " copying", () -> {
            JsonNode all = JSON.readTree(get(slow, API + "/backups?all=true").body());
            // pg_basebackup itself, not its launcher: setpriv sets the parent-death signal only once it
            // runs, and a JVM killed before that leaves an orphan (a fresh-clone run of 2026-12-03 killed
            // it between the spawn and setpriv's prctl: the orphan copied on at 1M/s)
            return all.findValuesAsText("id").contains(killed)
                    && ProcessHandle.of(slow.process().pid())
                            .orElseThrow()
                            .descendants()
                            .anyMatch(p -> p.info()
                                    .command()
                                    .filter(c -> c.endsWith("/pg_basebackup"))
                                    .isPresent());
        });
        List<ProcessHandle> children = ProcessHandle.of(slow.process().pid())
                .orElseThrow()
                .descendants()
                .toList();

        slow.process().signal(Signal.KILL); // the JVM only: its pg_basebackup must die with it

        Wait.until(Duration.ofSeconds(10), "pg_basebackup gone with its backup-service", () -> children.stream()
                .noneMatch(ProcessHandle::isAlive));
        assertThat(fx.repository.catalog(CLUSTER).list()).noneMatch(r -> r.state() == BackupState.COMPLETE);

        QuarkusService next = fx.start("bs-1", Map.of());
        awaitActive(next, "bs-1");
        Wait.until(
                Duration.ofSeconds(30),
                "the killed backup's leftovers removed",
                () -> !fx.repository.catalog(CLUSTER).folders().contains(killed));
        HttpResponse<String> retry = post(next, API + "/backups", "", TOKEN);
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        String id = JSON.readTree(retry.body()).path("id").asText();
        awaitState(next, id, "COMPLETE", Duration.ofSeconds(120));
        assertThat(fx.repository.catalog(CLUSTER).list())
                .extracting(BackupRecord::id)
                .containsExactly(id);
    }

    private static void badRequestsGetReasons(QuarkusService s) throws Exception {
        assertError(post(s, "/api/v1/clusters/" + "bad%20name/backups", "", TOKEN), 400, "cluster name");
        assertError(post(s, "/api/v1/clusters/other/backups", "", TOKEN), 404, "does not serve cluster other");
        assertError(get(s, API + "/backups/..%2Fx"), 400, "not a backup id");
        assertError(get(s, API + "/backups/20000101T000000Z"), 404, "does not exist");
        assertError(post(s, API + "/restores", "{", TOKEN), 400, "not valid JSON");
        assertError(
                post(
                        s,
                        API + "/restores",
                        "{\"target\": {\"time\": \"yesterday\"}, \"destination\": {\"new_cluster\":" + " \"demo2\"}}",
                        TOKEN),
                400,
                "target.time");
        assertError(
                post(
                        s,
                        API + "/restores",
                        "{\"target\": {\"latest\": true}, \"destination\": {\"new_cluster\":" + " \"demo\"}}",
                        TOKEN),
                400,
                "must differ");
        assertError(
                post(
                        s,
                        API + "/restores",
                        "{\"target\": {\"latest\": true}, \"destination\": {\"replica\": \"pg-1\"}}",
                        TOKEN),
                501,
                "not built yet");
        String body = "{\"target\": {\"latest\": true}, \"destination\": {\"new_cluster\": \"demo-restored\"}}";
        HttpResponse<String> accepted = post(s, API + "/restores", body, TOKEN);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String restoreId = JSON.readTree(accepted.body()).path("id").asText();
        JsonNode restore = JSON.readTree(get(s, API + "/restores/" + restoreId).body());
        assertThat(restore.path("state").asText()).isEqualTo("requested");
        assertThat(restore.at("/request/source_cluster").asText()).isEqualTo(CLUSTER);
        assertError(post(s, API + "/restores", body, TOKEN), 409, "already has a restore request");
    }

    private static void assertError(HttpResponse<String> response, int status, String reason) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains(reason);
    }

    private static void awaitActive(QuarkusService service, String name) {
        Wait.until(Duration.ofSeconds(30), name + " active for " + CLUSTER, () -> {
            HttpResponse<String> status = get(service, API + "/status");
            return status.statusCode() == 200
                    && name.equals(
                            JSON.readTree(status.body()).path("active_instance").asText());
        });
    }

    private static JsonNode awaitState(QuarkusService service, String id, String state, Duration timeout) {
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        Wait.until(timeout, "backup " + id + " " + state, () -> {
            HttpResponse<String> r = get(service, API + "/backups/" + id);
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode b = JSON.readTree(r.body());
            seen.set(b);
            if (b.path("state").asText().equals("FAILED")) {
                throw new AssertionError(
                        "backup " + id + " failed: " + b.path("reason").asText());
            }
            return b.path("state").asText().equals(state);
        });
        return seen.get();
    }
}
