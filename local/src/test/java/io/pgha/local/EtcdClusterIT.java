package io.pgha.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdClusterIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void singleMemberServesPutAndGetThroughJetcdAndIsGoneAfterStop() throws Exception {
        EtcdCluster etcd = infra.etcd(1);
        try (Client client = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build()) {
            put(client, "/pgha/it/key", "value");
            assertThat(get(client, "/pgha/it/key")).isEqualTo("value");
        }
        LocalProcess process = etcd.member(0).process();
        etcd.close();
        Gone.assertGone(process, Ports.LOOPBACK, etcd.member(0).clientPort());
    }

    @Test
    void threeMembersKeepServingWhenOneStopsAndItRejoinsWithItsData() throws Exception {
        EtcdCluster etcd = infra.etcd(3);
        try (Client client = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build()) {
            put(client, "/pgha/it/before", "1");
            etcd.member(0).stop();
            put(client, "/pgha/it/during", "2");
            assertThat(get(client, "/pgha/it/before")).isEqualTo("1");

            etcd.member(0).start();
            etcd.member(0).awaitHealthy(java.time.Duration.ofSeconds(30));
        }
        try (Client rejoined =
                Client.builder().endpoints(etcd.member(0).endpoint()).build()) {
            assertThat(get(rejoined, "/pgha/it/during")).isEqualTo("2");
        }
        List<LocalProcess> processes = etcd.processes();
        assertThat(processes).hasSize(3);
    }

    private static void put(Client client, String key, String value) throws Exception {
        client.getKVClient()
                .put(ByteSequence.from(key, UTF_8), ByteSequence.from(value, UTF_8))
                .get(10, TimeUnit.SECONDS);
    }

    private static String get(Client client, String key) throws Exception {
        var kvs = client.getKVClient()
                .get(ByteSequence.from(key, UTF_8))
                .get(10, TimeUnit.SECONDS)
                .getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(UTF_8);
    }
}
