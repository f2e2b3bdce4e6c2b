package io.pgha.coordinator.agent;

import java.util.concurrent.CompletableFuture;

/** Asks a member's agent for {@code GET /patroni}; {@link AgentClient} over HTTP, tests in memory. */
public interface Agents {
    /** The agent's answer at {@code apiUrl} ({@code http://host:port/patroni}); never fails. */
    CompletableFuture<AgentReport> fetch(String apiUrl);
}
