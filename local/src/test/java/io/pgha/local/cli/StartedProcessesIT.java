package io.pgha.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.local.LocalInfra;
import io.pgha.local.LocalProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StartedProcessesIT {
    @RegisterExtension
    final LocalInfra infra = LocalInfra.perTest();

    @Test
    void learnsEveryProcessStartedWhileOpenAndNothingAfter() {
        LocalProcess during;
        List<StartedProcesses.Started> seen;
        try (StartedProcesses started = new StartedProcesses()) {
            during = infra.track(start("sleeper"));
            seen = started.all();
        }
        LocalProcess after = infra.track(start("later"));

        assertThat(seen).containsExactly(new StartedProcesses.Started("sleeper", during.pid()));
        assertThat(seen).noneMatch(s -> s.pid() == after.pid());
    }

    private LocalProcess start(String name) {
        return LocalProcess.start(
                name,
                List.of("sleep", "60"),
                infra.workspace().root(),
                infra.workspace().log(name),
                Map.of(),
                false);
    }
}
