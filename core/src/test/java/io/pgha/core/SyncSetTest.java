package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
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
    void theTargetRoundTripsAndIsLeftOutWhenAbsent() {
        SyncSet set = new SyncSet("node0", "node1", "node1,node2");
        String json = set.toJson();
        assertThat(json).contains("\"target\":\"node1,node2\"").contains("\"sync_standby\":\"node1\"");
        assertThat(SyncSet.fromJson(json)).isEqualTo(set);

        SyncSet plain = new SyncSet("node0", "node1");
        assertThat(plain.target()).isNull();
        assertThat(plain.toJson()).doesNotContain("target");
        assertThat(SyncSet.fromJson(plain.toJson())).isEqualTo(plain);
        assertThat(SyncSet.fromJson("{\"leader\":\"node0\",\"sync_standby\":\"node1\"}")
                        .target())
                .isNull();
    }

    @Test
    void withoutATargetThePrimaryWaitsForThePromotableMembers() {
        SyncSet set = new SyncSet("node0", "node1,node2");
        assertThat(set.targetMembers()).containsExactly("node1", "node2");
        assertThat(set.applied()).containsExactly("node1", "node2");
    }

    @Test
    void appliedIsThePromotableMembersThenTheTargetWithoutDuplicates() {
        SyncSet set = new SyncSet("node0", "node2,node1", "node1, node3");
        assertThat(set.members()).containsExactly("node2", "node1");
        assertThat(set.targetMembers()).containsExactly("node1", "node3");
        assertThat(set.applied()).containsExactly("node2", "node1", "node3");

        SyncSet growing = new SyncSet("node0", "", "node3");
        assertThat(growing.members()).isEmpty();
        assertThat(growing.applied()).containsExactly("node3");

        SyncSet shrinking = new SyncSet("node0", "node1", "");
        assertThat(shrinking.targetMembers()).isEmpty();
        assertThat(shrinking.applied()).containsExactly("node1");
    }

    @Test
    void standbyNamesCoverThePromotableMembersAndTheTarget() {
        assertThat(new SyncSet("node0", "node1", "node2").standbyNames()).isEqualTo("FIRST 2 (\"node1\",\"node2\")");
        assertThat(new SyncSet("node0", "node1,node2", "node2,node3").standbyNames())
                .isEqualTo("FIRST 3 (\"node1\",\"node2\",\"node3\")");
        assertThat(new SyncSet("node0", "", "").standbyNames()).isEmpty();
        assertThat(new SyncSet("node0", "", "node3").standbyNames()).isEqualTo("FIRST 1 (\"node3\")");
    }

    @Test
    void ofSortsAndLeavesTheTargetOutWhenEqual() {
        SyncSet same = SyncSet.of("node0", Set.of("node2", "node1"), Set.of("node1", "node2"));
        assertThat(same).isEqualTo(new SyncSet("node0", "node1,node2", null));
        assertThat(same.toJson()).doesNotContain("target");

        SyncSet different = SyncSet.of("node0", Set.of("node3", "node1"), Set.of("node3", "node2"));
        assertThat(different).isEqualTo(new SyncSet("node0", "node1,node3", "node2,node3"));

        SyncSet nonePromotable = SyncSet.of("node0", Set.of(), Set.of("node2"));
        assertThat(nonePromotable.syncStandby()).isEmpty();
        assertThat(nonePromotable.target()).isEqualTo("node2");
        assertThat(nonePromotable.members()).isEmpty();

        SyncSet empty = SyncSet.of("node0", Set.of(), Set.of());
        assertThat(empty).isEqualTo(new SyncSet("node0", "", null));
        assertThat(empty.targetMembers()).isEmpty();
    }

    @Test
    void namesInReadsAnAppliedSynchronousStandbyNames() {
        assertThat(SyncSet.namesIn("FIRST 2 (\"a\",\"b\")")).containsExactlyInAnyOrder("a", "b");
        assertThat(SyncSet.namesIn("ANY 1 (a, b)")).containsExactlyInAnyOrder("a", "b");
        assertThat(SyncSet.namesIn("a, b")).containsExactlyInAnyOrder("a", "b");
        assertThat(SyncSet.namesIn("FIRST 1 (\"we\"\"ird\")")).containsExactly("we\"ird");
        assertThat(SyncSet.namesIn("")).isEmpty();
        assertThat(SyncSet.namesIn("  ")).isEmpty();
        assertThat(SyncSet.namesIn(null)).isEmpty();
    }

    @Test
    void namesInReadsBackWhatStandbyNamesWrites() {
        SyncSet set = SyncSet.of("node0", Set.of("node1", "pg.1-A_b"), Set.of("node1", "node2"));
        assertThat(SyncSet.namesIn(set.standbyNames())).containsExactlyInAnyOrderElementsOf(set.applied());
    }

    @Test
    void switchoverUsesPatronisNames() {
        Switchover s = Switchover.fromJson(new Switchover("node0", "node1").toJson());
        assertThat(s.leader()).isEqualTo("node0");
        assertThat(s.member()).isEqualTo("node1");
        assertThat(s.toJson()).contains("\"member\":\"node1\"");
        assertThat(s.handedOver()).isFalse();
    }

    @Test
    void aHandedOverSwitchoverRecordsTheShutdownCheckpointAndIsNoLongerScheduled() {
        Switchover due = new Switchover("node0", "node1", "2026-12-03T21:00:00Z");
        Switchover handed = Switchover.fromJson(due.handedOverAt("0/5000028").toJson());
        assertThat(handed).isEqualTo(new Switchover("node0", "node1", null, "0/5000028"));
        assertThat(handed.handedOver()).isTrue();
        assertThat(handed.scheduled()).isFalse();
        assertThat(handed.toJson()).contains("\"checkpoint\":\"0/5000028\"").doesNotContain("scheduled_at");
        assertThat(new Switchover(null, null, null, "0/1").handedOver())
                .as("a record without a candidate completes nothing")
                .isFalse();
    }

    @Test
    void aMemberNameReadBackFromEtcdIsRevalidatedBeforeItReachesSynchronousStandbyNames() {
        SyncSet hostile = SyncSet.fromJson("{\"leader\":\"node0\",\"sync_standby\":\"node1,x\\\")'\\nfsync = 'off\"}");
        org.assertj.core.api.Assertions.assertThatThrownBy(hostile::standbyNames)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sync set")
                .hasMessageContaining("member name");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new SyncSet("node0", "node1", "node1,a b").standbyNames())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
    }

    @Test
    void oldFirstRecordsReadAndWriteUnchanged() {
        String old = "{\"leader\":\"node0\",\"sync_standby\":\"node1\",\"target\":\"node1,node2\"}";
        SyncSet set = SyncSet.fromJson(old);
        assertThat(set.isQuorum()).isFalse();
        assertThat(set.quorumK()).isNull();
        assertThat(set.toJson()).isEqualTo(old);
        assertThat(set.standbyNames()).isEqualTo("FIRST 2 (\"node1\",\"node2\")");
    }

    @Test
    void aQuorumRecordRoundTripsAndAppliesAnyKOfTheTarget() {
        SyncSet set = SyncSet.quorum("node0", Set.of("node2", "node1"), 1, Set.of("node1", "node2", "node3"), 2);
        assertThat(set.toJson())
                .isEqualTo("{\"leader\":\"node0\",\"sync_standby\":\"node1,node2\",\"target\":\"node1,node2,node3\","
                        + "\"quorum_k\":1,\"target_k\":2}");
        SyncSet read = SyncSet.fromJson(set.toJson());
        assertThat(read).isEqualTo(set);
        assertThat(read.isQuorum()).isTrue();
        assertThat(read.members()).containsExactly("node1", "node2");
        assertThat(read.standbyNames()).isEqualTo("ANY 2 (\"node1\",\"node2\",\"node3\")");
        SyncSet same = SyncSet.quorum("node0", Set.of("node1", "node2"), 1, Set.of("node1", "node2"), 1);
        assertThat(same.target()).isNull();
        assertThat(same.standbyNames()).isEqualTo("ANY 1 (\"node1\",\"node2\")");
    }

    @Test
    void aQuorumRecordWithNothingToWaitForAppliesNothing() {
        assertThat(SyncSet.quorum("node0", Set.of(), 0, Set.of(), 0).standbyNames())
                .isEmpty();
        assertThat(SyncSet.quorum("node0", Set.of("node1"), 0, Set.of("node1"), 0)
                        .standbyNames())
                .isEmpty();
    }

    @Test
    void aQuorumRecordNeedsBothKsWithinTheirSets() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SyncSet.fromJson("{\"leader\":\"node0\",\"sync_standby\":\"node1\",\"quorum_k\":1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quorum_k and target_k go together");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SyncSet.quorum("node0", Set.of("node1"), 2, Set.of("node1"), 1))
                .hasMessageContaining("quorum_k must be 0 to 1, got 2");
    }

    @Test
    void anAppliedValueReadsAsAQuorum() {
        assertThat(SyncSet.AnyOf.parse("ANY 2 (\"node1\",\"node2\",\"node3\")"))
                .isEqualTo(new SyncSet.AnyOf(Set.of("node1", "node2", "node3"), 2));
        assertThat(SyncSet.AnyOf.parse("FIRST 2 (\"node1\",\"node2\")"))
                .isEqualTo(new SyncSet.AnyOf(Set.of("node1", "node2"), 2));
        assertThat(SyncSet.AnyOf.parse("any 1 (a, b)")).isEqualTo(new SyncSet.AnyOf(Set.of("a", "b"), 1));
        assertThat(SyncSet.AnyOf.parse("2 (a,b)")).isEqualTo(new SyncSet.AnyOf(Set.of("a", "b"), 2));
        assertThat(SyncSet.AnyOf.parse("a, b")).isEqualTo(new SyncSet.AnyOf(Set.of("a", "b"), 1));
        assertThat(SyncSet.AnyOf.parse("")).isEqualTo(new SyncSet.AnyOf(Set.of(), 0));
        assertThat(SyncSet.AnyOf.parse(null)).isEqualTo(new SyncSet.AnyOf(Set.of(), 0));
        assertThat(SyncSet.AnyOf.parse("*")).isEqualTo(new SyncSet.AnyOf(Set.of(), 0));
        assertThat(SyncSet.AnyOf.parse("ANY x (a)")).isEqualTo(new SyncSet.AnyOf(Set.of(), 0));
        SyncSet set = SyncSet.quorum("node0", Set.of("node1", "node2"), 1, Set.of("node1", "node2"), 1);
        assertThat(SyncSet.AnyOf.parse(set.standbyNames())).isEqualTo(new SyncSet.AnyOf(Set.of("node1", "node2"), 1));
    }
}
