package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NetworkBridgeIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void namespacesOnABridgeReachTheHostAndOneCanBeCutOffFromOneAddressAlone() {
        NetworkBridge bridge = infra.track(NetworkBridge.create());
        NetworkNamespace a = infra.track(NetworkNamespace.create(bridge));
        NetworkNamespace b = infra.track(NetworkNamespace.create(bridge));
        EtcdCluster etcd = infra.track(EtcdCluster.start(infra.workspace(), 1, List.of(bridge.serviceAddress())));
        String health = etcd.member(0).endpoint(bridge.serviceAddress()) + "/health";
        assertThat(a.address()).isNotEqualTo(b.address()).startsWith("127.203.");
        assertThat(reaches(a, health)).as("a reaches etcd on the bridge").isTrue();
        assertThat(reaches(b, health)).as("b reaches etcd on the bridge").isTrue();

        a.block(bridge.serviceAddress());
        assertThat(reaches(a, health)).as("a, blocked, does not reach etcd").isFalse();
        assertThat(reaches(b, health)).as("b still reaches etcd").isTrue();

        a.unblock(bridge.serviceAddress());
        Wait.until(Duration.ofSeconds(10), "a reaches etcd again", () -> reaches(a, health));
    }

    private static boolean reaches(NetworkNamespace ns, String url) {
        List<String> command = new ArrayList<>(ns.commandPrefix());
        command.addAll(List.of("curl", "-s", "-m", "2", url));
        Commands.Result result = Commands.run(command, Duration.ofSeconds(10));
        return result.ok() && result.output().contains("\"health\":\"true\"");
    }
}
