package io.pgha.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class LsnTest {
    @Test
    void parsesAndPrintsPostgresForm() {
        Lsn lsn = Lsn.parse("0/3000060");
        assertThat(lsn.value()).isEqualTo(0x3000060L);
        assertThat(lsn).hasToString("0/3000060");
        assertThat(Lsn.parse("16/b374d848")).hasToString("16/B374D848");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF")).hasToString("FFFFFFFF/FFFFFFFF");
    }

    @Test
    void ordersAsUnsignedAndSubtractsToBytes() {
        Lsn low = Lsn.parse("0/3000060");
        Lsn high = Lsn.parse("1/0");
        Lsn top = Lsn.parse("FFFFFFFF/0");
        List<Lsn> lsns = new ArrayList<>(List.of(top, high, low, Lsn.ZERO));
        Collections.sort(lsns);
        assertThat(lsns).containsExactly(Lsn.ZERO, low, high, top);
        assertThat(high.minus(low)).isEqualTo(0x1_0000_0000L - 0x3000060L);
        assertThat(low.minus(high)).isNegative();
        assertThat(low.plus(0x20)).isEqualTo(Lsn.parse("0/3000080"));
        assertThat(high.isAfter(low)).isTrue();
    }

    @Test
    void rejectsWhatIsNotAnLsnWithTheExpectedForm() {
        for (String bad : List.of("", "3000060", "0/", "/1", "0/XYZ", "123456789/0", "0/123456789", "0/-1")) {
            assertThatThrownBy(() -> Lsn.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0/3000060");
        }
    }
}
