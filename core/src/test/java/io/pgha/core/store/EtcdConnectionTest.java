package io.pgha.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EtcdConnectionTest {
    /** Clients handed out by the connection's factory, in order; each knows whether it was closed. */
    private final List<FakeClient> made = new ArrayList<>();

    private final EtcdConnection connection = new EtcdConnection(this::newClient, Duration.ofSeconds(3));

    @Test
    void oneFailedCallKeepsTheClient() {
        fail();
        assertThat(current(connection)).isSameAs(made.get(0).client);
        assertThat(made).hasSize(1);
        assertThat(connection.reconnects()).isZero();
    }

    @Test
    void twoFailedCallsInARowReplaceTheClientAndCloseTheOldOne() {
        fail();
        fail();
        assertThat(made).hasSize(2);
        assertThat(made.get(0).closed).isTrue();
        assertThat(made.get(0).closedHoldingTheLock)
                .as("closing waits for the old channels: other threads' calls must not queue behind it")
                .isFalse();
        assertThat(made.get(1).closed).isFalse();
        assertThat(current(connection)).isSameAs(made.get(1).client);
        assertThat(connection.reconnects()).isEqualTo(1);
    }

    @Test
    void aSuccessfulCallBetweenFailuresStartsTheCountAgain() {
        fail();
        connection.call(c -> "ok");
        fail();
        assertThat(made).hasSize(1);
    }

    @Test
    void aFailureOfACallStartedOnAReplacedClientDoesNotCount() {
        Client[] first = new Client[1];
        fail();
        assertThatThrownBy(() -> connection.call(c -> {
                    first[0] = c;
                    fail(); // the second failure in a row replaces the client while this call runs
                    throw new StoreException("etcd did not read within 3000 ms", null);
                }))
                .isInstanceOf(StoreException.class);
        assertThat(first[0]).isSameAs(made.get(0).client);
        assertThat(made).hasSize(2);
        fail(); // the first failure on the new client
        assertThat(made).hasSize(2);
    }

    @Test
    void aWatchMovesToTheNewClientAndItsOwnerIsTold() {
        List<Client> openedOn = new ArrayList<>();
        AtomicInteger watchersClosed = new AtomicInteger();
        AtomicInteger reopened = new AtomicInteger();
        AutoCloseable watch = connection.watch(
                c -> {
                    openedOn.add(c);
                    return watcher(watchersClosed);
                },
                () -> {
                    // its owner re-reads the store here: that must not hold up other threads' calls
                    assertThat(Thread.holdsLock(connection)).isFalse();
                    reopened.incrementAndGet();
                });
        fail();
        fail();
        assertThat(openedOn).containsExactly(made.get(0).client, made.get(1).client);
        assertThat(watchersClosed).hasValue(1);
        assertThat(reopened).hasValue(1);

        close(watch);
        fail();
        fail();
        assertThat(openedOn).as("a closed watch is not opened again").hasSize(2);
        assertThat(watchersClosed).hasValue(2);
    }

    @Test
    void aClientThatCannotBeBuiltLeavesTheOldOneInPlace() {
        AtomicInteger built = new AtomicInteger();
        EtcdConnection failing = new EtcdConnection(
                () -> {
                    if (built.getAndIncrement() > 0) {
                        throw new IllegalArgumentException("no endpoint resolves");
                    }
                    return newClient();
                },
                Duration.ofSeconds(3));
        FakeClient first = made.get(made.size() - 1);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> failing.call(c -> {
                        throw new StoreException("etcd did not read within 3000 ms", null);
                    }))
                    .isInstanceOf(StoreException.class);
        }
        assertThat(current(failing)).isSameAs(first.client);
        assertThat(first.closed).isFalse();
    }

    private void fail() {
        assertThatThrownBy(() -> connection.call(c -> {
                    throw new StoreException("etcd did not read within 3000 ms", null);
                }))
                .isInstanceOf(StoreException.class);
    }

    private static Client current(EtcdConnection connection) {
        return connection.call(c -> c);
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Client newClient() {
        FakeClient fake = new FakeClient();
        made.add(fake);
        return fake.client;
    }

    private static Watch.Watcher watcher(AtomicInteger closed) {
        return (Watch.Watcher) Proxy.newProxyInstance(
                Watch.Watcher.class.getClassLoader(), new Class<?>[] {Watch.Watcher.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed.incrementAndGet();
                    }
                    return null;
                });
    }

    /** A jetcd client that only knows whether it was closed, and whether the connection's lock was held then. */
    private final class FakeClient {
        boolean closed;
        boolean closedHoldingTheLock;
        final Client client = (Client) Proxy.newProxyInstance(
                Client.class.getClassLoader(), new Class<?>[] {Client.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            closed = true;
                            closedHoldingTheLock = connection != null && Thread.holdsLock(connection);
                        }
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "toString" -> {
                            return "fake client";
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });
    }
}
