package io.pgha.renderer.render;

import java.util.List;
import java.util.Map;

/** What to do to make HAProxy run a desired configuration; {@link #decide} is the pure decision. */
public sealed interface ApplyPlan {
    /** HAProxy already runs it: write nothing, reload nothing. */
    record Nothing() implements ApplyPlan {}

    /** Only comments (epoch, leader) differ: validate and swap the file so it stays true, no reload. */
    record WriteOnly() implements ApplyPlan {}

    /**
     * Only server states differ: validate and swap the file, then send {@code commands} to the runtime API, no
     * reload (established sessions and health-check state stay).
     */
    record RuntimeUpdate(List<String> commands) implements ApplyPlan {}

    /** Servers or listeners differ (or what HAProxy runs is unknown): swap the file and reload. */
    record Reload(String reason) implements ApplyPlan {}

    /**
     * Runtime API commands that mark a former leader down in its cluster's read-write backend at once,
     * when {@code desired} names another leader among the same servers, or no leader at all. Its health check still has
     * the last word (it comes back up if its agent answers 200 on {@code /primary} again); this only
     * saves the {@code fall × inter} it would take the check to notice a demotion the topology
     * already reports.
     */
    static java.util.List<String> demotions(RenderedConfig applied, RenderedConfig desired) {
        if (applied == null) {
            return List.of();
        }
        java.util.List<String> commands = new java.util.ArrayList<>();
        applied.leaders().forEach((cluster, oldLeader) -> {
            String newLeader = desired.leaders().get(cluster);
            ServerRef server = new ServerRef(HaproxyConfigRenderer.readWriteBackend(cluster), oldLeader);
            // another leader, or none at all (the old one released the key during a switchover or
            // failover): either way it is no longer the primary
            if (!oldLeader.equals(newLeader) && desired.states().containsKey(server)) {
                commands.add("set server " + server + " health down");
            }
        });
        return commands;
    }

    /**
     * Runtime API commands that mark a new leader up in its cluster's read-write backend at once, when
     * it was already a server there. The topology names a leader only once it holds the leader key and
     * runs as primary, so its agent already answers 200 on {@code /primary}; its health check still has
     * the last word. This saves up to {@code inter} of writes with no server after a switchover.
     */
    static java.util.List<String> promotions(RenderedConfig applied, RenderedConfig desired) {
        if (applied == null) {
            return List.of();
        }
        java.util.List<String> commands = new java.util.ArrayList<>();
        desired.leaders().forEach((cluster, newLeader) -> {
            ServerRef server = new ServerRef(HaproxyConfigRenderer.readWriteBackend(cluster), newLeader);
            if (!newLeader.equals(applied.leaders().get(cluster))
                    && applied.states().containsKey(server)
                    && desired.states().containsKey(server)) {
                commands.add("set server " + server + " health up");
            }
        });
        return commands;
    }

    /**
     * Runtime API commands for right after a reload: a server HAProxy did not have before starts as
     * up until its first check (HAProxy 2.6 has no way to say otherwise), so a new member could get
     * read-write clients for up to {@code inter}. Mark every new server down at once, except the
     * leader in its read-write backend; its check brings it up as soon as its agent agrees.
     */
    static java.util.List<String> holdNewServers(RenderedConfig applied, RenderedConfig desired) {
        java.util.List<String> commands = new java.util.ArrayList<>();
        desired.states().keySet().forEach(server -> {
            if (applied != null && applied.states().containsKey(server)) {
                return;
            }
            boolean leaderReadWrite = desired.leaders().entrySet().stream()
                    .anyMatch(leader -> server.backend().equals(HaproxyConfigRenderer.readWriteBackend(leader.getKey()))
                            && server.server().equals(leader.getValue()));
            if (!leaderReadWrite) {
                commands.add("set server " + server + " health down");
            }
        });
        return commands;
    }

    /**
     * Decides.
     *
     * @param applied what the renderer last applied, or null after a start (then only the file on
     *     disk is known, and HAProxy is taken to run it)
     * @param fileText the configuration file as it is on disk now, or null when there is none
     * @param desired what the topologies ask for
     */
    static ApplyPlan decide(RenderedConfig applied, String fileText, RenderedConfig desired) {
        if (desired.text().equals(fileText)) {
            return new Nothing();
        }
        if (applied == null) {
            return new Reload(fileText == null ? "no configuration file yet" : "the file on disk differs");
        }
        if (!applied.text().equals(fileText)) {
            return new Reload("the file on disk was changed by something else");
        }
        if (!applied.structure().equals(desired.structure())) {
            return new Reload("servers or listeners changed");
        }
        Map<ServerRef, AdminState> changes = desired.stateChangesFrom(applied);
        if (changes.isEmpty()) {
            return new WriteOnly();
        }
        return new RuntimeUpdate(changes.entrySet().stream()
                .map(change -> "set server " + change.getKey() + " state "
                        + change.getValue().haproxyName())
                .toList());
    }
}
