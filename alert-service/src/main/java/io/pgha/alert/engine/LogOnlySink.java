package io.pgha.alert.engine;

import io.pgha.alert.delivery.AlertSink;
import io.pgha.alert.rules.Alert;
import io.pgha.alert.rules.AlertChange;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Provisional: the {@link AlertSink} used until the delivery side (Alertmanager API v2, webhooks,
 * persisted outbox in {@code io.pgha.alert.delivery}) is merged. It only logs; it delivers nothing.
 * Delete this class when the delivery's sink bean is merged (its bean replaces this default one).
 */
@DefaultBean
@ApplicationScoped
public class LogOnlySink implements AlertSink {
    private static final Logger LOG = Logger.getLogger(LogOnlySink.class);

    @Override
    public void changed(List<AlertChange> changes, Instant now) {
        for (AlertChange change : changes) {
            Alert a = change.alert();
            MDC.put("cluster", a.cluster());
            MDC.put("member", a.member() == null ? "" : a.member());
            LOG.infof(
                    "%s %s %s (fingerprint %s, starts %s): %s (not delivered: no delivery configured)",
                    change instanceof AlertChange.Fired ? "FIRED" : "RESOLVED",
                    a.severity(),
                    a.name(),
                    a.fingerprint(),
                    a.startsAt(),
                    a.summary());
        }
        MDC.remove("cluster");
        MDC.remove("member");
    }

    @Override
    public void stillFiring(Collection<Alert> firing, Instant now) {
        LOG.debugf("%d alerts still firing (not delivered: no delivery configured)", firing.size());
    }
}
