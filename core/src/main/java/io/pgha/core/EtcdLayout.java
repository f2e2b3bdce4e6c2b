package io.pgha.core;

import java.util.regex.Pattern;

/**
 * Where pgha keeps a cluster's state in etcd ({@code /pgha/<cluster>/...}), in one place so that every
 * service reads and writes the same keys.
 */
public record EtcdLayout(String namespace, String cluster) {
    /** The default root of every key. */
    public static final String DEFAULT_NAMESPACE = "/pgha";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    public EtcdLayout {
        if (!namespace.startsWith("/") || namespace.endsWith("/")) {
            throw new IllegalArgumentException(
                    "etcd namespace '" + namespace + "' must start with '/' and not end with it (e.g. /pgha)");
        }
        requireName("cluster", cluster);
    }

    /** The layout of {@code cluster} under {@value #DEFAULT_NAMESPACE}. */
    public static EtcdLayout of(String cluster) {
        return new EtcdLayout(DEFAULT_NAMESPACE, cluster);
    }

    /** Fails with a message naming {@code what} when {@code name} cannot be an etcd key segment. */
    public static String requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' is invalid: use 1-63 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** {@code /pgha/<cluster>/}: the prefix of every key of this cluster. */
    public String prefix() {
        return namespace + "/" + cluster + "/";
    }

    /** The key naming the primary, bound to that member's lease. */
    public String leader() {
        return prefix() + "leader";
    }

    /** The prefix of every member key. */
    public String members() {
        return prefix() + "members/";
    }

    /** One member's key (JSON status), bound to its agent's lease. */
    public String member(String name) {
        return members() + requireName("member", name);
    }

    /** The coordinator's election key. */
    public String coordinator() {
        return prefix() + "coordinator";
    }

    /** Dynamic configuration (compare-and-set). */
    public String config() {
        return prefix() + "config";
    }

    /** The system identifier, written once by the member that bootstraps the cluster. */
    public String initialize() {
        return prefix() + "initialize";
    }

    /** The synchronous standby set. */
    public String sync() {
        return prefix() + "sync";
    }

    /** A requested (or scheduled) switchover. */
    public String switchover() {
        return prefix() + "switchover";
    }

    /**
     * The fast failover's order to stop following the leader of one epoch ({@link Detach}), written and
     * deleted only by the leading coordinator.
     */
    public String detach() {
        return prefix() + "detach";
    }

    /**
     * Failsafe mode's member list ({@link Failsafe}): the members (name, api_url) a primary that cannot
     * reach etcd must hear from, and the only ones that may be promoted; kept by the leading coordinator
     * while {@code failsafe_mode} is on, deleted when it is off.
     */
    public String failsafe() {
        return prefix() + "failsafe";
    }

    /** Failover and switchover history. */
    public String history() {
        return prefix() + "history";
    }

    /** The leader's last known WAL position. */
    public String status() {
        return prefix() + "status";
    }

    /**
     * The prefix of the routers' reports: each config-renderer writes {@code routers/<name>} (bound to
     * its own lease) with the epoch it has applied to its HAProxy, so that a switchover can answer once
     * clients are routed to the new primary.
     */
    public String routers() {
        return prefix() + "routers/";
    }

    /** One router's report ({@link io.pgha.core.store.RouterReport}). */
    public String router(String name) {
        return routers() + requireName("router", name);
    }

    /** The backup-service election key (one active backup-service per cluster, bound to its lease). */
    public String backup() {
        return prefix() + "backup";
    }

    /**
     * A request to bootstrap this (new) cluster from a backup repository (point-in-time restore),
     * written by backup-service's restore API, read by agents bootstrapping with
     * {@code pgha.bootstrap.method=repository}.
     */
    public String restoreRequest() {
        return prefix() + "restore/request";
    }

    /** How that restore went, written by the agent that performs it. */
    public String restoreStatus() {
        return prefix() + "restore/status";
    }

    /** The member name in a member key, or throws when {@code key} is not one of this cluster's. */
    public String memberName(String key) {
        if (!key.startsWith(members()) || key.length() == members().length()) {
            throw new IllegalArgumentException(key + " is not a member key under " + members());
        }
        return key.substring(members().length());
    }
}
