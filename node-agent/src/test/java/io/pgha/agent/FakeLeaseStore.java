package io.pgha.agent;

import io.pgha.core.DynamicConfig;
import io.pgha.core.MemberStatus;
import io.pgha.core.store.ClusterSnapshot;
import io.pgha.core.store.ClusterStore;
import io.pgha.core.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory {@link ClusterStore} for the lease calls only; etcd can be made unreachable or the lease lost. */
final class FakeLeaseStore implements ClusterStore {
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger grants = new AtomicInteger();
    final AtomicLong currentLease = new AtomicLong();
    volatile boolean unreachable;
    volatile boolean leaseLost;
    /** Leader key calls, noting any made while holding {@link #pgLock}. */
    final List<String> leaderCalls = new CopyOnWriteArrayList<>();

    volatile Object pgLock;

    @Override
    public long grantLease(Duration ttl) {
        check();
        grants.incrementAndGet();
        leaseLost = false;
        return currentLease.incrementAndGet();
    }

    @Override
    public long keepAliveOnce(long lease) {
        check();
        renewals.incrementAndGet();
        return leaseLost || lease != currentLease.get() ? 0 : 10;
    }

    private void check() {
        if (unreachable) {
            throw new StoreException("etcd is unreachable (fake)", null);
        }
    }

    @Override
    public void revokeLease(long lease) {
        leaseLost = true;
    }

    @Override
    public boolean createMember(String name, MemberStatus status, long lease) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void putMember(String name, MemberStatus status, long lease) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean createInitialize(String value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void putInitialize(String value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void deleteInitialize() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean acquireLeader(String member, long lease) {
        check();
        leaderCalls.add("acquire " + member + lockNote());
        return true;
    }

    @Override
    public boolean releaseLeader(String member) {
        check();
        leaderCalls.add("release " + member + lockNote());
        return true;
    }

    @Override
    public boolean handOverLeader(String member, String handedOver, long switchoverRevision) {
        check();
        leaderCalls.add(
                "hand over " + member + " " + handedOver + " if /switchover is at " + switchoverRevision + lockNote());
        return true;
    }

    private String lockNote() {
        return pgLock != null && Thread.holdsLock(pgLock) ? " UNDER THE POSTGRESQL LOCK" : "";
    }

    @Override
    public boolean createConfig(DynamicConfig config) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void putStatus(String json, long lease) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ClusterSnapshot read() {
        throw new UnsupportedOperationException();
    }

    @Override
    public AutoCloseable watch(long fromRevision, Runnable onChange) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
}
