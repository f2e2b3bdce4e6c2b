package io.pgha.coordinator.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterKeysTest {
    @Test
    void onlyAKeyOfTheClusterItselfMakesACluster() {
        assertThat(EtcdCoordinatorStore.makesACluster("members/pg-0")).isTrue();
        assertThat(EtcdCoordinatorStore.makesACluster("leader")).isTrue();
        assertThat(EtcdCoordinatorStore.makesACluster("initialize")).isTrue();
        assertThat(EtcdCoordinatorStore.makesACluster("coordinator")).isFalse();
        assertThat(EtcdCoordinatorStore.makesACluster("backup")).isFalse();
        assertThat(EtcdCoordinatorStore.makesACluster("restore/request")).isFalse();
        assertThat(EtcdCoordinatorStore.makesACluster("routers/config-renderer-0"))
                .isFalse();
    }
}
