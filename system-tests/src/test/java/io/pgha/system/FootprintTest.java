package io.pgha.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgha.system.Footprint.Reading;
import io.pgha.system.Footprint.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FootprintTest {
    /** A real line of a JVM's /proc/&lt;pid&gt;/stat, with utime 1234 and stime 567. */
    private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 29154 0 3 0 1234 567 0 0 20 0 "
            + "41 0 123456 3456789504 30123 18446744073709551615 1 1 0 0 0 0 0 0 16800975 0 0 0 17 1 0 0 0 0 0";

    @Test
    void cpuTicksAreUtimePlusStime() {
        assertThat(Footprint.cpuTicks(STAT)).isEqualTo(1234 + 567);
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String odd = STAT.replace("(java)", "(a (b) c)");

        assertThat(Footprint.cpuTicks(odd)).isEqualTo(1234 + 567);
        assertThatThrownBy(() -> Footprint.cpuTicks("garbage")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rssIsVmRssInKib() {
        String status = "Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 3456789 kB\nVmRSS:\t  120496 kB\n"
                + "RssAnon:\t  100000 kB\n";

        assertThat(Footprint.rssKib(status)).contains(120_496L);
        assertThat(Footprint.rssKib("Name:\tkthreadd\nState:\tS (sleeping)\n")).isEmpty();
    }

    @Test
    void cpuPercentIsTicksOverWallTimeOfOneCore() {
        // 300 ticks of 100 per second over 30 s: 3 s of CPU in 30 s = 10 % of a core
        Reading first = new Reading(1_000, 1, 0);
        Reading second = new Reading(1_300, 1, 30_000_000_000L);

        assertThat(Footprint.cpuPercent(first, second, 100)).isCloseTo(10.0, within(1e-9));
        assertThatThrownBy(() -> Footprint.cpuPercent(second, first, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void measureReadsTheProcFilesOfARunningProcessAndLeavesOutAMissingOne() {
        long self = ProcessHandle.current().pid();

        List<Usage> usages = Footprint.measure(
                Map.of("test", Map.of("this JVM", self, "gone", 999_999_999L)), Duration.ofMillis(200));

        assertThat(usages).singleElement().satisfies(u -> {
            assertThat(u.process()).isEqualTo("this JVM");
            assertThat(u.pid()).isEqualTo(self);
            assertThat(u.rssKib()).isPositive();
            assertThat(u.cpuPercent()).isGreaterThanOrEqualTo(0);
        });
    }
}
