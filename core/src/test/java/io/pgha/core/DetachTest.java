package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.LeaderKey;
import io.pgha.events.Lsn;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DetachTest {
    @Test
    void readsAndWritesTheKeyAndRefusesNonsense() {
        Detach d = Detach.fromJson("{\"epoch\": 42, \"leader\": \"pg-0\"}");
        assertThat(d).isEqualTo(new Detach(42, "pg-0"));
        assertThat(Detach.fromJson(d.toJson())).isEqualTo(d);
        assertThatThrownBy(() -> Detach.fromJson("{\"epoch\": 0, \"leader\": \"pg-0\"}"))
                .hasMessageContaining("epoch must be a leader key revision above 0");
        assertThatThrownBy(() -> Detach.fromJson("{\"epoch\": 3, \"leader\": \"a b\"}"))
                .hasMessageContaining("detach leader name 'a b' is invalid");
        assertThatThrownBy(() -> Detach.fromJson("[]")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appliesOnlyToTheLeaderKeyOfItsEpoch() {
        String json = new Detach(42, "pg-0").toJson();
        assertThat(snapshot("pg-0", 42, json).currentDetach()).contains(new Detach(42, "pg-0"));
        assertThat(snapshot("pg-0", 43, json).currentDetach()).isEmpty(); // a newer leader key
        assertThat(snapshot("pg-1", 42, json).currentDetach()).isEmpty();
        assertThat(snapshot(null, 0, json).currentDetach()).isEmpty(); // no leader key
        assertThat(snapshot("pg-0", 42, "{not json").currentDetach()).isEmpty();
    }

    @Test
    void aLeaderlessOrderAppliesOnlyWhileThereIsNoLeaderKey() {
        Detach order = Detach.whileLeaderless(42, "pg-0");
        String json = order.toJson();
        assertThat(json).isEqualTo("{\"epoch\":42,\"leader\":\"pg-0\",\"leaderless\":true}");
        assertThat(Detach.fromJson(json)).isEqualTo(order);
        assertThat(snapshot(null, 0, json).currentDetach()).contains(order);
        assertThat(snapshot("pg-0", 42, json).currentDetach()).isEmpty(); // a leader key again: stale
        assertThat(snapshot("pg-1", 50, json).currentDetach()).isEmpty();
        // the fast failover's order is written as before, without the field
        assertThat(new Detach(42, "pg-0").toJson()).isEqualTo("{\"epoch\":42,\"leader\":\"pg-0\"}");
        assertThat(new Detach(42, "pg-0").isLeaderless()).isFalse();
    }

    @Test
    void aMemberKeyCarriesTheDetachedReport() {
        MemberStatus s = new MemberStatus(
                        "postgres://h:1/postgres",
                        "http://h:2/patroni",
                        MemberStatus.Role.REPLICA,
                        "running",
                        1,
                        null,
                        Lsn.parse("0/3000060"),
                        null,
                        Map.of(),
                        null,
                        "v")
                .withDetached(new MemberStatus.Detached(42, Lsn.parse("0/3000060")));
        String json = Json.write(s);
        assertThat(json).contains("\"detached\":{\"epoch\":42,\"flush\":\"0/3000060\"}");
        assertThat(Json.read(json, MemberStatus.class, "m").detached())
                .isEqualTo(new MemberStatus.Detached(42, Lsn.parse("0/3000060")));
        assertThat(Json.write(s.withDetached(null))).doesNotContain("detached");
    }

    private static ClusterSnapshot snapshot(String leader, long revision, String detach) {
        return new ClusterSnapshot(
                100,
                leader == null ? Optional.empty() : Optional.of(new LeaderKey(leader, 7, revision)),
                Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(detach),
                Map.of());
    }
}
