package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EtcdLayoutTest {
    private final EtcdLayout layout = EtcdLayout.of("demo");

    @Test
    void keysFollowTheDesignLayout() {
        assertThat(layout.leader()).isEqualTo("/pgha/demo/leader");
        assertThat(layout.member("pg-1")).isEqualTo("/pgha/demo/members/pg-1");
        assertThat(layout.coordinator()).isEqualTo("/pgha/demo/coordinator");
        assertThat(layout.config()).isEqualTo("/pgha/demo/config");
        assertThat(layout.initialize()).isEqualTo("/pgha/demo/initialize");
        assertThat(layout.sync()).isEqualTo("/pgha/demo/sync");
        assertThat(layout.switchover()).isEqualTo("/pgha/demo/switchover");
        assertThat(layout.history()).isEqualTo("/pgha/demo/history");
        assertThat(layout.status()).isEqualTo("/pgha/demo/status");
    }

    @Test
    void memberNameIsReadBackFromItsKey() {
        assertThat(layout.memberName(layout.member("pg-2"))).isEqualTo("pg-2");
        assertThatThrownBy(() -> layout.memberName("/pgha/other/members/pg-2"))
                .hasMessageContaining("not a member key under /pgha/demo/members/");
    }

    @Test
    void badNamesAreRefusedWithTheRule() {
        assertThatThrownBy(() -> EtcdLayout.of("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cluster name 'a/b' is invalid");
        assertThatThrownBy(() -> layout.member("")).hasMessageContaining("member name '' is invalid");
        assertThatThrownBy(() -> new EtcdLayout("pgha", "demo")).hasMessageContaining("must start with '/'");
    }
}
