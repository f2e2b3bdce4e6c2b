package io.pgha.coordinator.run;

/** A manual failover was asked for while another one for the same cluster is still being carried out. */
public final class ManualFailoverInFlight extends RuntimeException {
    public ManualFailoverInFlight(String cluster, String candidate) {
        super("a manual failover of " + cluster + " to " + candidate
                + " is already in progress; wait for its answer, then look at the cluster again");
    }
}
