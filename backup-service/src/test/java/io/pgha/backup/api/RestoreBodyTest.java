package io.pgha.backup.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.backup.decide.RestoreValidation;
import org.junit.jupiter.api.Test;

class RestoreBodyTest {
    @Test
    void readsTargetBackupAndDestination() {
        RestoreValidation.Request r = RestoresResource.parse(
                "{\"target\": {\"time\": \"2026-12-01T10:15:30Z\"}, \"backup_id\": \"20261201T000000Z\","
                        + " \"destination\": {\"new_cluster\": \"demo2\"}}");

        assertThat(r.target().time()).isEqualTo("2026-12-01T10:15:30Z");
        assertThat(r.backupId()).isEqualTo("20261201T000000Z");
        assertThat(r.newCluster()).isEqualTo("demo2");
        assertThat(r.replica()).isNull();
    }

    @Test
    void everyShapeProblemIsA400ThatSaysWhat() {
        assertBad("", "needs a JSON body");
        assertBad("{", "not valid JSON");
        assertBad("{} {}", "not valid JSON");
        assertBad("[1]", "must be a JSON object");
        assertBad("{\"tagret\": {}}", "unknown field 'tagret'");
        assertBad("{\"target\": \"latest\", \"destination\": {\"new_cluster\": \"x\"}}", "target must be an object");
        assertBad(
                "{\"target\": {\"when\": \"now\"}, \"destination\": {\"new_cluster\": \"x\"}}",
                "not a recovery target");
        assertBad("{\"target\": {\"latest\": true}}", "destination is required");
        assertBad("{\"target\": {\"latest\": true}, \"destination\": {\"cluster\": \"x\"}}", "destination.cluster");
        assertBad(
                "{\"target\": {\"latest\": true}, \"destination\": {\"new_cluster\": 5}}",
                "new_cluster must be a string");
    }

    private static void assertBad(String body, String reason) {
        assertThatThrownBy(() -> RestoresResource.parse(body))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
    }
}
