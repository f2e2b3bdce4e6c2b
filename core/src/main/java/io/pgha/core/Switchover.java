package io.pgha.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A planned handover at {@code /pgha/<cluster>/switchover} (Patroni's names): the current leader is
 * asked to hand over to {@code member}.
 */
public record Switchover(@JsonProperty("leader") String leader, @JsonProperty("member") String member) {
    public static Switchover fromJson(String json) {
        return Json.read(json, Switchover.class, "switchover key");
    }

    public String toJson() {
        return Json.write(this);
    }
}
