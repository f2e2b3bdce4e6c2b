package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A test that fails midway still leaves no process, no bound port and no temp folder. */
class CleanupAfterFailureIT {
    static volatile long startedPid;
    static volatile int startedPort;
    static volatile Path startedWorkspace;

    /** Run only through {@link EngineTestKit} below (failsafe skips nested classes). */
    static class FailsMidway {
        @RegisterExtension
        final LocalInfra infra = LocalInfra.perTest();

        @Test
        void startsEtcdThenFails() {
            EtcdCluster etcd = infra.etcd(1);
            startedPid = etcd.member(0).process().pid();
            startedPort = etcd.member(0).clientPort();
            startedWorkspace = infra.workspace().root();
            throw new AssertionError("failing on purpose with etcd running");
        }
    }

    @Test
    void componentsOfAFailedTestAreStopped() {
        var results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FailsMidway.class))
                .execute()
                .testEvents();

        assertThat(results.failed().count()).as("the inner test failed").isEqualTo(1);
        assertThat(startedPid).isPositive();
        assertThat(LocalProcess.groupAlive(startedPid)).as("etcd left running").isFalse();
        assertThat(Ports.isFree(Ports.LOOPBACK, startedPort))
                .as("etcd's port still bound")
                .isTrue();
        assertThat(Files.exists(startedWorkspace)).as("temp workspace left").isFalse();
    }
}
