package io.pgha.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    private static boolean mounted(Path dir) {
        return Commands.run(List.of("mountpoint", "-q", dir.toString()), Duration.ofSeconds(5))
                .ok();
    }
}
