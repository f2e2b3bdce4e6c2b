package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The coordinator's order of the fast failover (issue 17), kept at {@code /pgha/<cluster>/detach}:
 * every standby stops following {@code leader} while the leader key's revision is {@code epoch}, and
 * reports in its member key that it did ({@link MemberStatus.Detached}). See failover-coordinator's
 * DESIGN.md, "Fast failover".
 *
 * <p>Quorum commit's failover ({@code synchronous_mode: quorum}) writes a <em>leaderless</em> order once
 * the leader key is gone: it applies while there is no leader key, and every standby stops following
 * {@code leader} (the lost primary) and reports, so that the positions the coordinator reads are final
 * (failover-coordinator's DESIGN.md, "Quorum commit").
 *
 * @param epoch the leader key's revision this order is for (leaderless: the lost leader key's, or the
 *     etcd revision the coordinator read when it did not know it)
 * @param leader the member that leader key names
 * @param leaderless true for quorum commit's order written while there is no leader key; absent
 *     (null) otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Detach(
        @JsonProperty("epoch") long epoch,
        @JsonProperty("leader") String leader,
        @JsonProperty("leaderless") Boolean leaderless) {

    /** The fast failover's order, for the leader key of revision {@code epoch}. */
    public Detach(long epoch, String leader) {
        this(epoch, leader, null);
    }

    /** Quorum commit's order, written while there is no leader key. */
    public static Detach whileLeaderless(long epoch, String leader) {
        return new Detach(epoch, leader, true);
    }

    /** Whether this order applies while there is no leader key (quorum commit's). */
    @JsonIgnore
    public boolean isLeaderless() {
        return Boolean.TRUE.equals(leaderless);
    }

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
        return !isLeaderless() && epoch == leaderRevision && leader.equals(leaderMember);
    }
}
