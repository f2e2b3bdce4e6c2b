package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TmpfsIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void aFilledTmpfsRefusesWritesUntilFreedAndIsUnmountedOnClose() throws IOException {
        Path dir = infra.workspace().dir("disk");
        Tmpfs disk = infra.track(Tmpfs.mount(dir, 64L << 20));
        Files.write(dir.resolve("before"), new byte[1 << 20]);
        assertThat(disk.used()).isGreaterThanOrEqualTo(1L << 20);

        long filled = disk.fill(0);
        assertThat(filled).isGreaterThan(60L << 20);
        assertThat(disk.usable()).isLessThan(64L << 10);
        assertThatThrownBy(() -> Files.write(dir.resolve("after"), new byte[1 << 20]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");

        disk.free();
        assertThat(disk.usable()).isGreaterThan(60L << 20);
        Files.write(dir.resolve("after"), new byte[1 << 20]);

        assertThatThrownBy(() -> Tmpfs.mount(dir, 64L << 20))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already a mount point");
        disk.close();
        Wait.until(Duration.ofSeconds(10), dir + " unmounted", () -> !mounted(dir));
        assertThat(dir.resolve("before")).doesNotExist();
    }

    @Test
    void aDiskThatIsWrittenWhileItIsFilledIsFilledAllTheSame() throws Exception {
        Path dir = infra.workspace().dir("busy-disk");
        Tmpfs disk = infra.track(Tmpfs.mount(dir, 1L << 30));
        // like PostgreSQL writing WAL while the chaos suite fills its disk: 256 KiB every 10 ms, and on
        // after a full disk too; a fallocate of every free byte fails with nothing allocated then
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            ByteBuffer chunk = ByteBuffer.allocate(256 << 10);
            try (FileChannel out =
                    FileChannel.open(dir.resolve("wal"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long at = 0;
                while (!stop.get()) {
                    try {
                        at += out.write(chunk.clear(), at);
                    } catch (IOException full) {
                        // PostgreSQL retries too
                    }
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        try {
            Wait.until(Duration.ofSeconds(10), "the writer writing", () -> Files.size(dir.resolve("wal")) > 0);
            long filled = disk.fill(0);
            assertThat(filled).isGreaterThan(512L << 20);
            assertThat(disk.usable()).isLessThan(16L << 20);
        } finally {
            stop.set(true);
            writer.join(10_000);
        }
        disk.free();
        disk.close();
    }

    private static boolean mounted(Path dir) {
        return Commands.run(List.of("mountpoint", "-q", dir.toString()), Duration.ofSeconds(5))
                .ok();
    }
}
