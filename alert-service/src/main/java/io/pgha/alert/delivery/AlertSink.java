package io.pgha.alert.delivery;

import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Where the evaluator hands what it decided; the delivery side (Alertmanager API v2 and webhooks,
 * with a persisted outbox) is behind it. The evaluator never talks to a receiver itself.
 */
public interface AlertSink {
    /**
     * Alerts that started or stopped firing. When this returns, the notifications are persisted for
     * every configured receiver (they survive a restart) and will be delivered, retried with back-off
     * while a receiver is down.
     */
    void changed(List<AlertChange> changes, Instant now);

    /**
     * Every alert firing now, called periodically by the evaluator: re-sent to every Alertmanager so
     * it keeps them (Alertmanager resolves an alert it has not heard of for its {@code endsAt}).
     * Not persisted: the next call carries the same set again.
     */
    void stillFiring(Collection<Alert> firing, Instant now);
}
