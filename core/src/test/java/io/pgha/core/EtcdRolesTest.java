package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.core.EtcdRoles.Access;
import io.pgha.core.EtcdRoles.Grant;
import io.pgha.core.EtcdRoles.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtcdRolesTest {
    private static final EtcdRoles.Deployment DEPLOYMENT =
            new EtcdRoles.Deployment("/pgha", Map.of("c1", List.of("node1", "node0")), List.of("router0"));

    private static Role role(String name) {
        return EtcdRoles.of(DEPLOYMENT).stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void oneAgentRolePerMemberWritingOnlyItsOwnMemberKey() {
        assertThat(EtcdRoles.of(DEPLOYMENT))
                .extracting(Role::name)
                .containsExactly(
                        "pgha-agent.c1.node0",
                        "pgha-agent.c1.node1",
                        "pgha-coordinator",
                        "pgha-renderer",
                        "pgha-backup");
        Role agent = role("pgha-agent.c1.node0");
        assertThat(agent.grants())
                .contains(
                        new Grant("/pgha/c1/", true, Access.READ),
                        new Grant("/pgha/c1/members/node0", false, Access.READWRITE),
                        new Grant("/pgha/c1/leader", false, Access.READWRITE),
                        new Grant("/pgha/c1/switchover", false, Access.READWRITE))
                .noneMatch(g -> g.key().equals("/pgha/c1/members/node1"))
                .noneMatch(g -> g.key().equals("/pgha/c1/coordinator"))
                .noneMatch(g -> g.key().equals("/pgha/c1/sync"))
                .allMatch(g -> !g.prefix() || g.access() == Access.READ);
    }

    @Test
    void servicesGetTheirKeys() {
        assertThat(role(EtcdRoles.COORDINATOR).grants()).containsExactly(new Grant("/pgha/", true, Access.READWRITE));
        assertThat(role(EtcdRoles.RENDERER).grants())
                .containsExactly(
                        new Grant("/pgha/c1/routers/router0", false, Access.READWRITE),
                        new Grant("/pgha/c1/detach", false, Access.READ),
                        new Grant("/pgha/c1/leader", false, Access.READ));
        // a restore writes the request of a cluster no role set has named yet
        assertThat(role(EtcdRoles.BACKUP).grants()).containsExactly(new Grant("/pgha/", true, Access.READWRITE));
    }

    @Test
    void etcdctlCommandsCreateRoleUserAndGrants() {
        List<List<String>> commands = EtcdRoles.commands(List.of(role(EtcdRoles.BACKUP)));
        assertThat(commands)
                .containsExactly(
                        List.of("role", "add", "pgha-backup"),
                        List.of("role", "grant-permission", "--prefix=true", "pgha-backup", "readwrite", "/pgha/"),
                        List.of("user", "add", "pgha-backup", "--no-password"),
                        List.of("user", "grant-role", "pgha-backup", "pgha-backup"));
    }

    @Test
    void badNamesAreRefused() {
        assertThatThrownBy(() -> EtcdRoles.agent("c1", "a/b")).hasMessageContaining("member name 'a/b'");
    }
}
