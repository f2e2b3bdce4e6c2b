package io.pgha.alert.delivery;

import static io.pgha.alert.delivery.Notifications.fired;
import static io.pgha.alert.delivery.Notifications.resend;
import static io.pgha.alert.delivery.Notifications.resolved;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {

    @Test
    void sendsEveryPendingNotificationOldestFirst() {
        Selection.Plan plan =
                Selection.plan(List.of(fired(3, "m3"), fired(1, "m1"), fired(2, "m2")), List.of(), Set.of(), 10);
        assertThat(plan.send()).extracting(Notification::seq).containsExactly(1L, 2L, 3L);
        assertThat(plan.superseded()).isEmpty();
    }

    @Test
    void aResolveSupersedesAnOlderUndeliveredFireAndIsNeverOvertakenByIt() {
        Notification fire = fired(1, "m1");
        Notification resolve = resolved(2, "m1");
        for (List<Notification> order : List.of(List.of(fire, resolve), List.of(resolve, fire))) {
            Selection.Plan plan = Selection.plan(order, List.of(), Set.of(), 10);
            assertThat(plan.send()).containsExactly(resolve);
            assertThat(plan.superseded()).containsExactly(fire);
        }
    }

    @Test
    void aNewerFireSupersedesAnOlderResolve() {
        Notification resolve = resolved(4, "m1");
        Notification again = fired(5, "m1");
        Selection.Plan plan = Selection.plan(List.of(again, resolve, fired(1, "m1")), List.of(), Set.of(), 10);
        assertThat(plan.send()).containsExactly(again);
        assertThat(plan.superseded()).extracting(Notification::seq).containsExactly(1L, 4L);
    }

    @Test
    void theBatchIsCappedAndTheRestWaits() {
        Selection.Plan plan =
                Selection.plan(List.of(fired(1, "a"), fired(2, "b"), fired(3, "c")), List.of(), Set.of(), 1);
        assertThat(plan.send()).extracting(Notification::seq).containsExactly(1L);
    }

    @Test
    void resendsFollowThePendingOnesExceptForFingerprintsWithNewsOrAResolve() {
        Notification pendingResolve = resolved(7, "m1");
        Notification resendM1 = resend("m1"); // stale: a resolve is pending
        Notification resendM2 = resend("m2"); // resolved already (delivered), snapshot is stale
        Notification resendM3 = resend("m3");
        Selection.Plan plan = Selection.plan(
                List.of(pendingResolve), List.of(resendM1, resendM2, resendM3), Set.of(resendM2.fingerprint()), 10);
        assertThat(plan.send()).containsExactly(pendingResolve, resendM3);
        assertThat(plan.isEmpty()).isFalse();
    }

    @Test
    void nothingPendingIsAnEmptyPlan() {
        assertThat(Selection.plan(List.of(), List.of(), Set.of(), 10).isEmpty()).isTrue();
    }
}
