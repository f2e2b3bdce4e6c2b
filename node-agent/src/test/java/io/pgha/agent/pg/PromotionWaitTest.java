package io.pgha.agent.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromotionWaitTest {
    @Test
    void outOfRecoveryThePromotionIsOverWhateverElseHolds() {
        assertThat(PromotionWait.next(false, true, false)).isEqualTo(PromotionWait.DONE);
        assertThat(PromotionWait.next(false, false, false)).isEqualTo(PromotionWait.DONE);
        assertThat(PromotionWait.next(false, false, true)).isEqualTo(PromotionWait.DONE);
    }

    @Test
    void whileTheRequestIsPendingAReloadWouldBeSpentOnTheSameWaitSoItWaits() {
        assertThat(PromotionWait.next(true, true, false)).isEqualTo(PromotionWait.WAIT);
    }

    @Test
    void onceTheStartupProcessTookTheRequestItIsWokenExactlyOnce() {
        assertThat(PromotionWait.next(true, false, false)).isEqualTo(PromotionWait.WAKE);
        assertThat(PromotionWait.next(true, false, true)).isEqualTo(PromotionWait.WAIT);
    }
}
