package io.pgha.core.store;

/**
 * The leader key as read: the member it names, the lease it is bound to, and its revision (the epoch).
 */
public record LeaderKey(String member, long lease, long modRevision) {}
