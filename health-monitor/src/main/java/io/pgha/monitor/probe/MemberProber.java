package io.pgha.monitor.probe;

import io.pgha.monitor.decide.ProbeResult;
import io.vertx.core.Future;

/** Probes members with SQL. The future never fails: a failed probe is a result too. */
public interface MemberProber {
    /**
     * Probes {@code target} once, within connect-timeout + statement-timeout; null when the member is
     * still logging in from an earlier probe (nothing new seen yet).
     */
    Future<ProbeResult> probe(Target target);

    /** Closes what is held open for {@code target} (it left the topology or this instance). */
    void release(Target target);
}
