package io.pgha.agent.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.Failsafe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailsafeRulesTest {
    private static final Optional<Failsafe> THREE = Optional.of(new Failsafe(Map.of(
            "pg-0", "http://127.0.0.1:8008/patroni",
            "pg-1", "http://127.0.0.1:8009/patroni",
            "pg-2", "http://127.0.0.1:8010/patroni")));
    private static final FailsafeRules.Answer OK = new FailsafeRules.Answer(200, "confirmed");

    @Test
    void aPrimaryAsksEveryOtherMemberOfFailsafe() {
        assertThat(FailsafeRules.toAsk(THREE, Map.of(), "pg-0").keySet()).containsExactly("pg-1", "pg-2");
        assertThat(FailsafeRules.toAsk(Optional.empty(), Map.of(), "pg-0")).isEmpty();
        // a member key the copy of /failsafe lacks is asked too: the coordinator may have added it since
        assertThat(FailsafeRules.toAsk(THREE, Map.of("pg-3", "http://127.0.0.1:8011/patroni"), "pg-0"))
                .containsEntry("pg-3", "http://127.0.0.1:8011/patroni")
                .containsOnlyKeys("pg-1", "pg-2", "pg-3");
    }

    @Test
    void aRoundCountsAsARenewalAtItsStartOnlyWhenEveryOtherMemberConfirmed() {
        FailsafeRules.Verdict all = FailsafeRules.judge(
                true, "pg-0", new FailsafeRules.Round(42, THREE, Map.of(), Map.of("pg-1", OK, "pg-2", OK)));
        assertThat(all.renewalSentNanos()).hasValue(42L);

        FailsafeRules.Verdict one = FailsafeRules.judge(
                true,
                "pg-0",
                new FailsafeRules.Round(
                        42,
                        THREE,
                        Map.of(),
                        Map.of("pg-1", OK, "pg-2", new FailsafeRules.Answer(0, "no answer within 1500 ms"))));
        assertThat(one.confirmed()).isFalse();
        assertThat(one.reason()).isEqualTo("not confirmed by pg-2 (no answer within 1500 ms)");

        FailsafeRules.Verdict refused = FailsafeRules.judge(
                true,
                "pg-0",
                new FailsafeRules.Round(
                        42,
                        THREE,
                        Map.of(),
                        Map.of("pg-1", new FailsafeRules.Answer(409, "the leader is pg-2"), "pg-2", OK)));
        assertThat(refused.reason()).isEqualTo("not confirmed by pg-1 (HTTP 409: the leader is pg-2)");

        assertThat(FailsafeRules.judge(true, "pg-0", new FailsafeRules.Round(42, THREE, Map.of(), Map.of("pg-1", OK)))
                        .reason())
                .isEqualTo("not confirmed by pg-2 (not asked)");
        assertThat(FailsafeRules.judge(
                                true,
                                "pg-0",
                                new FailsafeRules.Round(42, THREE, Map.of("pg-3", ""), Map.of("pg-1", OK, "pg-2", OK)))
                        .reason())
                .as("a member key missing from /failsafe must confirm too")
                .isEqualTo("not confirmed by pg-3 (not asked)");
    }

    @Test
    void noRoundCountsWithFailsafeModeOffWithoutAFailsafeKeyOrForAMemberNotInIt() {
        Map<String, FailsafeRules.Answer> all = Map.of("pg-1", OK, "pg-2", OK);
        assertThat(FailsafeRules.judge(false, "pg-0", new FailsafeRules.Round(1, THREE, Map.of(), all))
                        .reason())
                .isEqualTo("failsafe_mode is off");
        assertThat(FailsafeRules.judge(true, "pg-0", new FailsafeRules.Round(1, Optional.empty(), Map.of(), all))
                        .reason())
                .isEqualTo("no /failsafe key was read from etcd");
        assertThat(FailsafeRules.judge(true, "pg-9", new FailsafeRules.Round(1, THREE, Map.of(), all))
                        .reason())
                .isEqualTo("this member is not in /failsafe");
    }

    @Test
    void aReplicaConfirmsOnlyTheLeaderItSawOrWithoutOneAMemberOfFailsafe() {
        FailsafeRules.Replica sawPg0 = new FailsafeRules.Replica("pg-1", true, Optional.of("pg-0"), THREE, false);
        assertThat(FailsafeRules.answer(sawPg0, "pg-0").status()).isEqualTo(200);
        assertThat(FailsafeRules.answer(sawPg0, "pg-2"))
                .isEqualTo(new FailsafeRules.Reply(409, "the leader is pg-0, not pg-2"));

        FailsafeRules.Replica none = new FailsafeRules.Replica("pg-1", true, Optional.empty(), THREE, false);
        assertThat(FailsafeRules.answer(none, "pg-2").status()).isEqualTo(200);
        assertThat(FailsafeRules.answer(none, "pg-7").text())
                .isEqualTo("no leader in view and pg-7 is not in /failsafe");

        assertThat(FailsafeRules.answer(
                                new FailsafeRules.Replica("pg-1", true, Optional.of("pg-0"), THREE, true), "pg-0")
                        .text())
                .isEqualTo("pg-1 is primary or being promoted itself");
        assertThat(FailsafeRules.answer(
                                new FailsafeRules.Replica("pg-1", false, Optional.of("pg-0"), THREE, false), "pg-0")
                        .status())
                .isEqualTo(409);
        assertThat(FailsafeRules.answer(sawPg0, "pg-1").status()).isEqualTo(409);
    }

    @Test
    void aReplicaRefusesToPromoteForTtlAfterItConfirmedALeader() {
        Duration ttl = Duration.ofSeconds(10);
        long answered = Long.MAX_VALUE - 5_000_000_000L; // across the overflow of nanoTime
        assertThat(FailsafeRules.refusal(answered + ttl.toNanos() - 1, answered, Optional.of("pg-0"), ttl))
                .get()
                .asString()
                .startsWith("failsafe: pg-0 was confirmed as the running primary");
        assertThat(FailsafeRules.refusal(answered + ttl.toNanos(), answered, Optional.of("pg-0"), ttl))
                .isEmpty();
        assertThat(FailsafeRules.refusal(answered, answered, Optional.empty(), ttl))
                .isEmpty();
    }

    @Test
    void aBadBodyIsRefusedNamingTheField() {
        assertThat(FailsafeRules.parse("{\"name\":\"pg-0\",\"timeline\":3,\"lsn\":\"0/3000060\"}"))
                .isEqualTo(new FailsafeRules.Call("pg-0", 3, "0/3000060"));
        assertThat(FailsafeRules.parse(new FailsafeRules.Call("pg-0", 2, "0/1").toJson()))
                .isEqualTo(new FailsafeRules.Call("pg-0", 2, "0/1"));
        assertThatThrownBy(() -> FailsafeRules.parse("{")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> FailsafeRules.parse("")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> FailsafeRules.parse("[]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> FailsafeRules.parse("{}")).hasMessageContaining("name");
        assertThatThrownBy(() -> FailsafeRules.parse("{\"name\":\"../x\"}")).hasMessageContaining("name");
        assertThatThrownBy(() -> FailsafeRules.parse("{\"name\":\"pg-0\",\"timeline\":-1}"))
                .hasMessageContaining("timeline");
        assertThatThrownBy(() -> FailsafeRules.parse("{\"name\":\"pg-0\",\"lsn\":5}"))
                .hasMessageContaining("lsn");
    }
}
