package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyncSetTest {
    @Test
    void everyMemberOfTheSetMustAcknowledge() {
        SyncSet set = SyncSet.fromJson("{\"leader\":\"node0\",\"sync_standby\":\"node1, node2\",\"extra\":1}");
        assertThat(set.leader()).isEqualTo("node0");
        assertThat(set.members()).containsExactly("node1", "node2");
        assertThat(set.standbyNames()).isEqualTo("FIRST 2 (\"node1\",\"node2\")");
    }

    @Test
    void anEmptySetIsAsynchronous() {
        assertThat(new SyncSet("node0", "").standbyNames()).isEmpty();
        assertThat(new SyncSet("node0", null).members()).isEmpty();
    }

    @Test
    void switchoverUsesPatronisNames() {
        Switchover s = Switchover.fromJson(new Switchover("node0", "node1").toJson());
        assertThat(s.leader()).isEqualTo("node0");
        assertThat(s.member()).isEqualTo("node1");
        assertThat(s.toJson()).contains("\"member\":\"node1\"");
    }
}
