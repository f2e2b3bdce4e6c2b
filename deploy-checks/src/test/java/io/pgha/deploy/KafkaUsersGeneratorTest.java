package io.pgha.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.events.KafkaAcls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaUsersGeneratorTest {
    private static final String REGENERATE = "pgha.deploy.regenerate";

    @Test
    void committedUsersAreWhatKafkaAclsGives() throws Exception {
        Path root = Repo.root();
        Map<String, String> files = Map.of(
                KafkaUsersGenerator.USERS, KafkaUsersGenerator.services(),
                KafkaUsersGenerator.READ_ONLY_EXAMPLE, KafkaUsersGenerator.readOnlyExample());
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path committed = root.resolve(f.getKey());
            if (Boolean.getBoolean(REGENERATE)) {
                Files.writeString(committed, f.getValue());
            }
            assertThat(Files.readString(committed))
                    .as(f.getKey() + " differs from what events/KafkaAcls gives; regenerate it: ./mvnw -o -pl"
                            + " deploy-checks -am test -Dtest=KafkaUsersGeneratorTest -Dsurefire.failIfNoSpecifiedTests=false -D"
                            + REGENERATE + "=true")
                    .isEqualTo(f.getValue());
        }
    }

    @Test
    void bindingsOfOneResourceBecomeOneRuleWithSeveralOperations() {
        List<KafkaAcls.Binding> bindings = List.of(
                new KafkaAcls.Binding(
                        "User:a", KafkaAcls.Resource.TOPIC, "t", KafkaAcls.Match.LITERAL, KafkaAcls.Operation.WRITE),
                new KafkaAcls.Binding(
                        "User:a", KafkaAcls.Resource.TOPIC, "t", KafkaAcls.Match.LITERAL, KafkaAcls.Operation.DESCRIBE),
                new KafkaAcls.Binding(
                        "User:a", KafkaAcls.Resource.GROUP, "g-", KafkaAcls.Match.PREFIXED, KafkaAcls.Operation.READ),
                new KafkaAcls.Binding(
                        "User:b", KafkaAcls.Resource.TOPIC, "t", KafkaAcls.Match.LITERAL, KafkaAcls.Operation.READ));
        assertThat(KafkaUsersGenerator.rules(bindings))
                .containsExactly(
                        Map.entry(
                                "a",
                                List.of(
                                        new KafkaUsersGenerator.Rule(
                                                "topic", "t", "literal", List.of("Write", "Describe")),
                                        new KafkaUsersGenerator.Rule("group", "g-", "prefix", List.of("Read")))),
                        Map.entry(
                                "b", List.of(new KafkaUsersGenerator.Rule("topic", "t", "literal", List.of("Read")))));
        assertThat(KafkaUsersGenerator.render(KafkaUsersGenerator.rules(bindings), ""))
                .contains(
                        "kind: KafkaUser\n", "  name: a\n", "patternType: prefix\n", "operations: [Write, Describe]\n");
    }

    @Test
    void aPrincipalThatIsNoScramUserIsRefused() {
        List<KafkaAcls.Binding> bindings = List.of(new KafkaAcls.Binding(
                "Group:x", KafkaAcls.Resource.TOPIC, "t", KafkaAcls.Match.LITERAL, KafkaAcls.Operation.READ));
        assertThatThrownBy(() -> KafkaUsersGenerator.rules(bindings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Group:x");
    }

    @Test
    void everyServiceThatTalksToKafkaGetsAUserAndOnlyTheCoordinatorWritesTopology() {
        Map<String, List<KafkaUsersGenerator.Rule>> rules = KafkaUsersGenerator.rules(KafkaAcls.forServices());
        assertThat(rules.keySet()).containsExactlyElementsOf(KafkaAcls.services());
        rules.forEach((user, list) -> assertThat(list.stream()
                        .anyMatch(r -> r.name().equals("pgha.topology")
                                && r.operations().contains("Write")))
                .as(user + " may write pgha.topology")
                .isEqualTo(user.equals("failover-coordinator")));
    }
}
