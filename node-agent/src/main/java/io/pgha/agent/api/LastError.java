package io.pgha.agent.api;

/**
 * The last clone or rewind that failed and is being backed off, as {@code /patroni} shows it in
 * {@code last_error}.
 *
 * @param action {@code clone} or {@code rewind}
 * @param reason why it failed (short, no secrets)
 * @param permanent it needs an operator (authentication, permissions, another cluster's data)
 * @param failures consecutive failures
 * @param nextAttemptInSeconds when it is tried again
 */
public record LastError(String action, String reason, boolean permanent, int failures, double nextAttemptInSeconds) {}
