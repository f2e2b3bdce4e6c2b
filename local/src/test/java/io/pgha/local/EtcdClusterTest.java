package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdClusterTest {
    @Test
    void anAddOfARoleOrUserThatExistsCountsAsDoneWhenTheRoleSetIsAppliedAgain() {
        assertThat(EtcdCluster.alreadyExists(
                        List.of("role", "add", "pgha-coordinator"), "Error: etcdserver: role name already exists"))
                .isTrue();
        assertThat(EtcdCluster.alreadyExists(
                        List.of("user", "add", "root", "--no-password"), "Error: etcdserver: user name already exists"))
                .isTrue();
    }

    @Test
    void anyOtherFailureIsAFailure() {
        assertThat(EtcdCluster.alreadyExists(
                        List.of("role", "grant-permission", "r", "read", "/k"),
                        "Error: etcdserver: role name already exists"))
                .isFalse();
        assertThat(EtcdCluster.alreadyExists(
                        List.of("user", "add", "root", "--no-password"), "Error: etcdserver: permission denied"))
                .isFalse();
        assertThat(EtcdCluster.alreadyExists(List.of("auth", "enable"), "Error: context deadline exceeded"))
                .isFalse();
    }
}
