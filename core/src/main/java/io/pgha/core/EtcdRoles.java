package io.pgha.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * pgha's etcd role set (etcd 3.4 RBAC), in one place: which principal may read or write which keys of
 * {@link EtcdLayout}. A pure function of the deployment (namespace, clusters and their members, routers);
 * {@code local/EtcdCluster} applies it with {@code etcdctl}, and an operator can apply {@link #commands}
 * the same way. With {@code --client-cert-auth} a client certificate's common name is its etcd user, so
 * each principal's certificate carries its {@link Role#name()} as CN.
 *
 * <ul>
 *   <li>{@code pgha-agent.<cluster>.<member>} (one per member): reads its cluster; writes its own member
 *       key, the leader key (released on demotion, created at bootstrap), {@code switchover} (rewritten
 *       with the shutdown checkpoint when a handover releases the leader key), {@code initialize}, {@code
 *       config} (created at bootstrap), {@code status} and {@code restore/status}.
 *   <li>{@code pgha-coordinator}: reads and writes the whole namespace (it writes leader, sync, config,
 *       switchover, history, detach and its election key, and removes whole clusters).
 *   <li>{@code pgha-renderer}: writes its own {@code routers/<name>} report in each cluster; reads {@code
 *       detach} and {@code leader} (the asynchronous fast failover's fence, config-renderer's DESIGN.md).
 *   <li>{@code pgha-backup}: reads and writes the whole namespace. It discovers clusters and reads their
 *       members, writes each cluster's {@code backup} election key, and writes {@code restore/request} of
 *       a cluster that does not exist yet (a restore into a new name), which a grant per named cluster
 *       cannot cover.
 * </ul>
 *
 * <p>What etcd 3.4 RBAC cannot express: a grant is a key or a prefix, never "only with its own lease"
 * (an agent could write the leader key without a lease, or naming another member); there is no deny, so
 * the coordinator's grant covers member keys too; and ranges are static, so a new cluster (or a restore
 * into a new cluster name) needs the role set applied again.
 */
public final class EtcdRoles {
    private EtcdRoles() {}

    /** The role name of every coordinator replica. */
    public static final String COORDINATOR = "pgha-coordinator";

    /** The role name of every config-renderer. */
    public static final String RENDERER = "pgha-renderer";

    /** The role name of every backup-service replica. */
    public static final String BACKUP = "pgha-backup";

    /** read, write or readwrite, as {@code etcdctl role grant-permission} takes it. */
    public enum Access {
        READ,
        WRITE,
        READWRITE;

        public String etcdctl() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One permission: a key, or every key starting with it ({@code prefix}). */
    public record Grant(String key, boolean prefix, Access access) {}

    /** A role (also the user, i.e. the client certificate's common name, that has it) and its grants. */
    public record Role(String name, List<Grant> grants) {
        public Role {
            grants = List.copyOf(grants);
        }
    }

    /** What the role set is made for: the clusters (each with its members) and the routers' names. */
    public record Deployment(String namespace, Map<String, List<String>> members, List<String> routers) {
        public Deployment {
            members = Map.copyOf(new LinkedHashMap<>(members));
            routers = List.copyOf(routers);
        }
    }

    /** The agent role (and user) of {@code member} of {@code cluster}. */
    public static String agent(String cluster, String member) {
        return "pgha-agent." + EtcdLayout.requireName("cluster", cluster) + "."
                + EtcdLayout.requireName("member", member);
    }

    /** Every role of {@code deployment}, agents first (sorted by cluster and member), then the services. */
    public static List<Role> of(Deployment deployment) {
        List<Role> roles = new ArrayList<>();
        List<String> clusters = deployment.members().keySet().stream().sorted().toList();
        for (String cluster : clusters) {
            EtcdLayout layout = new EtcdLayout(deployment.namespace(), cluster);
            for (String member :
                    deployment.members().get(cluster).stream().sorted().toList()) {
                roles.add(agentRole(layout, member));
            }
        }
        String namespace = deployment.namespace() + "/";
        roles.add(new Role(COORDINATOR, List.of(new Grant(namespace, true, Access.READWRITE))));
        List<Grant> renderer = new ArrayList<>();
        // a restore creates a cluster: its restore request goes under a name no role set has seen yet
        List<Grant> backup = List.of(new Grant(namespace, true, Access.READWRITE));
        for (String cluster : clusters) {
            EtcdLayout layout = new EtcdLayout(deployment.namespace(), cluster);
            deployment
                    .routers()
                    .forEach(router -> renderer.add(new Grant(layout.router(router), false, Access.READWRITE)));
            if (!deployment.routers().isEmpty()) {
                // the asynchronous fast failover: a renderer fences the leader that /detach names, and lifts
                // the fence when the leader key shows the fast failover was abandoned
                renderer.add(new Grant(layout.detach(), false, Access.READ));
                renderer.add(new Grant(layout.leader(), false, Access.READ));
            }
        }
        roles.add(new Role(RENDERER, renderer));
        roles.add(new Role(BACKUP, backup));
        return roles;
    }

    /** One member's agent role: read its cluster; write its own keys and the cluster keys agents write. */
    static Role agentRole(EtcdLayout layout, String member) {
        return new Role(
                agent(layout.cluster(), member),
                List.of(
                        new Grant(layout.prefix(), true, Access.READ),
                        new Grant(layout.member(member), false, Access.READWRITE),
                        new Grant(layout.leader(), false, Access.READWRITE),
                        new Grant(layout.switchover(), false, Access.READWRITE),
                        new Grant(layout.initialize(), false, Access.READWRITE),
                        new Grant(layout.config(), false, Access.READWRITE),
                        new Grant(layout.status(), false, Access.READWRITE),
                        new Grant(layout.restoreStatus(), false, Access.READWRITE)));
    }

    /**
     * The {@code etcdctl} argument lists that create {@code roles}, a user of the same name for each (no
     * password: it logs in with its client certificate) and grant it the role; run them as root.
     */
    public static List<List<String>> commands(List<Role> roles) {
        List<List<String>> commands = new ArrayList<>();
        for (Role role : roles) {
            commands.add(List.of("role", "add", role.name()));
            for (Grant grant : role.grants()) {
                List<String> grantCommand = new ArrayList<>(List.of("role", "grant-permission"));
                if (grant.prefix()) {
                    grantCommand.add("--prefix=true");
                }
                grantCommand.addAll(List.of(role.name(), grant.access().etcdctl(), grant.key()));
                commands.add(List.copyOf(grantCommand));
            }
            commands.add(List.of("user", "add", role.name(), "--no-password"));
            commands.add(List.of("user", "grant-role", role.name(), role.name()));
        }
        return commands;
    }
}
