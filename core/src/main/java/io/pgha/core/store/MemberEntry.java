package io.pgha.core.store;

import io.pgha.core.MemberStatus;

/** A member key as read: its status (null when the JSON could not be read) and the lease it is bound to. */
public record MemberEntry(String name, MemberStatus status, long lease) {}
