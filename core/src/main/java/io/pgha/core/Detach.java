package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The coordinator's order of the fast failover (issue 17), kept at {@code /pgha/<cluster>/detach}:
 * every standby stops following {@code leader} while the leader key's revision is {@code epoch}, and
 * reports in its member key that it did ({@link MemberStatus.Detached}). See failover-coordinator's
 * DESIGN.md, "Fast failover".
 *
 * @param epoch the leader key's revision this order is for
 * @param leader the member that leader key names
 */
public record Detach(@JsonProperty("epoch") long epoch, @JsonProperty("leader") String leader) {
    public Detach {
        if (epoch <= 0) {
            throw new IllegalArgumentException("detach: epoch must be a leader key revision above 0, got " + epoch);
        }
        EtcdLayout.requireName("detach leader", leader);
    }

    /** Reads the key's JSON; throws naming the key and the problem when it does not fit. */
    public static Detach fromJson(String json) {
        Detach d = Json.read(json, Detach.class, "the detach key");
        if (d == null) {
            throw new IllegalArgumentException("the detach key is empty");
        }
        return d;
    }

    public String toJson() {
        return Json.write(this);
    }

    /** Whether this order applies to the leader key {@code leader} of revision {@code leaderRevision}. */
    public boolean appliesTo(String leaderMember, long leaderRevision) {
        return epoch == leaderRevision && leader.equals(leaderMember);
    }
}
