package io.pgha.backup.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RestoresResourceTest {
    @Test
    void aRestoreRequestEtcdDidNotTakeIsA503WithEtcdsReason() {
        ApiException e = RestoresResource.notWritten(
                "copy1",
                new IllegalStateException(
                        "create /pgha/copy1/restore/request: PERMISSION_DENIED: etcdserver: permission denied"));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.getMessage())
                .contains("restore request of cluster copy1")
                .contains("etcdserver: permission denied")
                .contains("pgha-backup");
    }
}
