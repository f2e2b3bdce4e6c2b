package io.pgha.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemberRowsTest {
    private static final String VIEW =
            """
            {"cluster":"pgha","leader":"pg-0","epoch":12,"pause":false,"coordinator":"coordinator-0",
             "members":[
              {"name":"pg-1","role":"replica","state":"streaming","host":"127.0.0.1","port":15433,
               "api_url":"http://127.0.0.1:8009/patroni","timeline":2,"lag":3145728,"tags":{}},
              {"name":"pg-0","role":"leader","state":"running","host":"127.0.0.1","port":15432,
               "api_url":"http://127.0.0.1:8008/patroni","timeline":2,"lag":0,"tags":{}},
              {"name":"pg-2","role":"sync_standby","state":"streaming","host":"127.0.0.1","port":15434,
               "api_url":"http://127.0.0.1:8010/patroni","timeline":2,"lag":null,"tags":{"nofailover":true}}]}
            """;

    private static ClusterView view() {
        return ClusterView.of(Json.read(VIEW, "test"));
    }

    @Test
    void prettyIsPatronictlsTableWithTheTitleInTheTopBorder() {
        String text = MemberRows.table(view(), false, Map.of(), false, false).render(Table.Format.PRETTY);
        assertThat(text)
                .isEqualTo(
                        """
                + Cluster: pgha -----------+--------------+-----------+----+-----------+
                | Member | Host            | Role         | State     | TL | Lag in MB |
                +--------+-----------------+--------------+-----------+----+-----------+
                | pg-0   | 127.0.0.1:15432 | Leader       | running   |  2 |           |
                | pg-1   | 127.0.0.1:15433 | Replica      | streaming |  2 |         3 |
                | pg-2   | 127.0.0.1:15434 | Sync Standby | streaming |  2 |   unknown |
                +--------+-----------------+--------------+-----------+----+-----------+
                """);
    }

    @Test
    void aVoterInQuorumModeIsAQuorumStandbyAsPatronictlShowsIt() {
        ClusterView quorum = ClusterView.of(Json.read(VIEW.replace("sync_standby", "quorum_standby"), "test"));
        assertThat(quorum.members())
                .filteredOn(m -> m.name().equals("pg-2"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.role()).isEqualTo("quorum_standby");
                    assertThat(m.leader()).isFalse();
                });
        assertThat(quorum.select(List.of(), ClusterView.Role.REPLICA))
                .extracting(ClusterView.Member::name)
                .containsExactly("pg-1", "pg-2");
        String text = MemberRows.table(quorum, false, Map.of(), false, false).render(Table.Format.PRETTY);
        assertThat(text)
                .isEqualTo(
                        """
                + Cluster: pgha -----------+----------------+-----------+----+-----------+
                | Member | Host            | Role           | State     | TL | Lag in MB |
                +--------+-----------------+----------------+-----------+----+-----------+
                | pg-0   | 127.0.0.1:15432 | Leader         | running   |  2 |           |
                | pg-1   | 127.0.0.1:15433 | Replica        | streaming |  2 |         3 |
                | pg-2   | 127.0.0.1:15434 | Quorum Standby | streaming |  2 |   unknown |
                +--------+-----------------+----------------+-----------+----+-----------+
                """);
    }

    @Test
    void extendedAddsPendingRestartScheduledRestartAndTagsAndTheSystemIdentifier() {
        Map<String, MemberRows.AgentFacts> facts = Map.of(
                "pg-1", new MemberRows.AgentFacts(true, Optional.of("2026-12-24T03:00:00Z"), Optional.of("7345")),
                "pg-2", new MemberRows.AgentFacts(false, Optional.empty(), Optional.empty()));
        String text = MemberRows.table(view(), true, facts, false, false).render(Table.Format.PRETTY);
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).startsWith("+ Cluster: pgha (7345) ");
        assertThat(lines.get(1))
                .isEqualTo("| Member | Host            | Role         | State     | TL | Lag in MB | Pending restart |"
                        + " Scheduled restart    | Tags             |");
        assertThat(lines.get(4)).contains("| *               | 2026-12-24T03:00:00Z |");
        assertThat(lines.get(5))
                .endsWith("| nofailover: true |".replace("| nofailover: true |", "| nofailover: true |"));
    }

    @Test
    void machineFormatsPutTheClusterFirst() {
        Table table = MemberRows.table(view(), false, Map.of(), false, true);
        assertThat(table.render(Table.Format.TSV).lines().toList())
                .containsExactly(
                        "Cluster\tMember\tHost\tRole\tState\tTL\tLag in MB",
                        "pgha\tpg-0\t127.0.0.1:15432\tLeader\trunning\t2\t",
                        "pgha\tpg-1\t127.0.0.1:15433\tReplica\tstreaming\t2\t3",
                        "pgha\tpg-2\t127.0.0.1:15434\tSync Standby\tstreaming\t2\tunknown");
        var json = Json.read(table.render(Table.Format.JSON), "json");
        assertThat(json.size()).isEqualTo(3);
        assertThat(json.get(1).path("Member").asText()).isEqualTo("pg-1");
        assertThat(json.get(1).path("Lag in MB").asLong()).isEqualTo(3);
        assertThat(json.get(0).path("Cluster").asText()).isEqualTo("pgha");
        assertThat(table.render(Table.Format.YAML)).contains("- Cluster: pgha").contains("Member: pg-2");
    }

    @Test
    void topologyPutsTheLeaderFirstAndIndentsItsReplicas() {
        String text = MemberRows.table(view(), false, Map.of(), true, false).render(Table.Format.PRETTY);
        List<String> rows = text.lines().skip(3).limit(3).toList();
        assertThat(rows.get(0)).startsWith("| pg-0 ");
        assertThat(rows.get(1)).startsWith("| + pg-1 ");
        assertThat(rows.get(2)).startsWith("| + pg-2 ");
    }

    @Test
    void footerShowsMaintenanceModeAndAScheduledSwitchover() {
        String body = VIEW.replace("\"pause\":false", "\"pause\":true")
                .replace(
                        "\"coordinator\":\"coordinator-0\",",
                        "\"coordinator\":\"coordinator-0\",\"scheduled_switchover\":{\"from\":\"pg-0\",\"to\":\"pg-1\","
                                + "\"at\":\"2026-12-24T03:00:00Z\"},");
        String footer = MemberRows.footer(ClusterView.of(Json.read(body, "test")));
        assertThat(footer)
                .isEqualTo(" Maintenance mode: on\n Switchover scheduled at: 2026-12-24T03:00:00Z\n"
                        + "                    from: pg-0\n                      to: pg-1\n");
    }

    @Test
    void unknownMembersAreNamedWithTheMembersThereAre() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> view().select(List.of("pg-1", "pg-9"), ClusterView.Role.ANY))
                .isInstanceOf(CtlException.class)
                .hasMessage("member pg-9 is not in cluster pgha; its members: pg-0, pg-1, pg-2");
        assertThat(view().select(List.of(), ClusterView.Role.REPLICA))
                .extracting(ClusterView.Member::name)
                .containsExactly("pg-1", "pg-2");
        assertThat(view().select(List.of(), ClusterView.Role.PRIMARY))
                .extracting(ClusterView.Member::name)
                .containsExactly("pg-0");
    }

    @Test
    void aLongTitleStillEndsTheBorder() {
        assertThat(Table.titled("+---+", "Cluster: a-long-name")).isEqualTo("+ Cluster: a-long-name +");
    }
}
