package io.pgha.agent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.pgha.core.EtcdLayout;
import io.pgha.core.Switchover;
import io.pgha.core.store.EtcdClusterStore;
import io.pgha.local.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the coordinator writes in etcd, done by a test that runs agents without one. */
final class CoordinatorStandIn {
    private CoordinatorStandIn() {}

    /**
     * Names {@code member} the leader, bound to its own lease, in one transaction that needs the key
     * to be absent (as the coordinator does); whether it was created.
     */
    static boolean nameLeader(Client client, EtcdLayout layout, EtcdClusterStore store, String member)
            throws Exception {
        long lease = store.read().member(member).orElseThrow().lease();
        return client.getKVClient()
                .txn()
                .If(new Cmp(bytes(layout.leader()), Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(
                        bytes(layout.leader()),
                        bytes(member),
                        PutOption.builder().withLeaseId(lease).build()))
                .commit()
                .get(10, TimeUnit.SECONDS)
                .isSucceeded();
    }

    /**
     * A planned switchover from {@code leader} to {@code candidate}: the request, the old primary's
     * release of the leader key (within 30 s), the candidate named, the request cleared. Returns
     * whether the candidate's leader key was created.
     */
    static boolean switchover(Client client, EtcdLayout layout, EtcdClusterStore store, String leader, String candidate)
            throws Exception {
        client.getKVClient()
                .put(bytes(layout.switchover()), bytes(new Switchover(leader, candidate).toJson()))
                .get(10, TimeUnit.SECONDS);
        Wait.until(Duration.ofSeconds(30), leader + " releases the leader key", () -> store.read()
                .leader()
                .isEmpty());
        boolean created = nameLeader(client, layout, store, candidate);
        client.getKVClient().delete(bytes(layout.switchover())).get(10, TimeUnit.SECONDS);
        return created;
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
