package io.pgha.local;

import io.pgha.events.KafkaAcls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The secured mode of {@link KafkaBroker}: a SASL_SSL listener (SCRAM-SHA-512) with certificates from
 * {@link Certificates}, the controller listener on mutual TLS, {@code StandardAuthorizer} with
 * {@value KafkaAcls#ADMIN} (and the broker's own certificate) as super users, one SCRAM user per pgha
 * service and the ACLs of {@link KafkaAcls}. Every password is random, kept in {@code
 * <kafka>/secrets/<user>.password} (mode 600) and never put on a command line.
 */
final class KafkaSecurity {
    static final String MECHANISM = "SCRAM-SHA-512";
    private static final String BROKER_CERT = "kafka";
    private static final int ITERATIONS = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path secrets;
    private final Path keystore;
    private final Path truststore;

    private KafkaSecurity(Path secrets, Path keystore, Path truststore) {
        this.secrets = secrets;
        this.keystore = keystore;
        this.truststore = truststore;
    }

    /** Issues the broker's certificate (once) and writes its PEM key store, mode 600, under {@code dir}. */
    static KafkaSecurity in(Path dir, Certificates ca) {
        Certificates.Issued broker = ca.issue(BROKER_CERT, List.of(Ports.LOOPBACK));
        Path secrets = dir.resolve("secrets");
        Path keystore = secrets.resolve("kafka-keystore.pem");
        try {
            Files.createDirectories(secrets);
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
            writePrivate(keystore, Files.readString(broker.key()) + Files.readString(broker.cert()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka broker's key store in " + secrets, e);
        }
        return new KafkaSecurity(secrets, keystore, ca.caCert());
    }

    /** The CA certificate clients trust (PEM). */
    Path truststore() {
        return truststore;
    }

    /** The file holding {@code user}'s password (made, random, on first use). */
    Path passwordFile(String user) {
        Path file = secrets.resolve(user + ".password");
        if (!Files.exists(file)) {
            byte[] bytes = new byte[24];
            RANDOM.nextBytes(bytes);
            writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return file;
    }

    String password(String user) {
        try {
            return Files.readString(passwordFile(user), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka password of " + user, e);
        }
    }

    /** The broker's listener and security settings (the file that holds them must be mode 600). */
    List<String> serverProperties(int port, int controllerPort) {
        return List.of(
                "listeners=SASL_SSL://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                        + controllerPort,
                "advertised.listeners=SASL_SSL://" + Ports.LOOPBACK + ":" + port,
                "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SSL",
                "inter.broker.listener.name=SASL_SSL",
                "sasl.enabled.mechanisms=" + MECHANISM,
                "sasl.mechanism.inter.broker.protocol=" + MECHANISM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + jaas(KafkaAcls.ADMIN, password(KafkaAcls.ADMIN)),
                "ssl.keystore.type=PEM",
                "ssl.keystore.location=" + keystore,
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + truststore,
                "listener.name.controller.ssl.client.auth=required",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=" + KafkaAcls.principal(KafkaAcls.ADMIN) + ";User:CN=" + BROKER_CERT);
    }

    /**
     * The arguments of {@code StorageTool format} that create the admin's SCRAM credential; they hold
     * its password, so they go into a mode-600 argument file, never on a command line.
     */
    List<String> formatArguments() {
        return List.of(
                "--add-scram",
                MECHANISM + "=[name=" + KafkaAcls.ADMIN + ",password=" + password(KafkaAcls.ADMIN) + "]");
    }

    /** Kafka client settings to connect as {@code user} (password read from its file now). */
    Map<String, Object> clientProperties(String user) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, MECHANISM);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password(user)));
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        return props;
    }

    /**
     * Quarkus settings for a pgha service connecting as {@code user}: {@code kafka.*} for every client
     * SmallRye makes, and the password as a file that pgha-messaging turns into {@code sasl.jaas.config}.
     */
    Map<String, String> serviceProperties(String user) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("kafka.security.protocol", "SASL_SSL");
        props.put("kafka.sasl.mechanism", MECHANISM);
        props.put("kafka.ssl.truststore.type", "PEM");
        props.put("kafka.ssl.truststore.location", truststore.toString());
        props.put("pgha.kafka.username", user);
        props.put("pgha.kafka.password-file", passwordFile(user).toString());
        return props;
    }

    /** Creates (or resets to its file's password) the SCRAM credential of every user in {@code users}. */
    void upsertUsers(Admin admin, List<String> users) throws Exception {
        List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        for (String user : users) {
            alterations.add(new UserScramCredentialUpsertion(
                    user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), password(user)));
        }
        admin.alterUserScramCredentials(alterations).all().get(60, TimeUnit.SECONDS);
    }

    /** Creates {@code bindings} (creating an existing binding again changes nothing). */
    static void apply(Admin admin, List<KafkaAcls.Binding> bindings) throws Exception {
        admin.createAcls(bindings.stream().map(KafkaSecurity::aclBinding).toList())
                .all()
                .get(60, TimeUnit.SECONDS);
    }

    /** One {@link KafkaAcls.Binding} as Kafka's ALLOW binding from any host. */
    static AclBinding aclBinding(KafkaAcls.Binding binding) {
        ResourceType type =
                switch (binding.resource()) {
                    case TOPIC -> ResourceType.TOPIC;
                    case GROUP -> ResourceType.GROUP;
                };
        PatternType pattern =
                switch (binding.match()) {
                    case LITERAL -> PatternType.LITERAL;
                    case PREFIXED -> PatternType.PREFIXED;
                };
        AclOperation operation =
                switch (binding.operation()) {
                    case READ -> AclOperation.READ;
                    case WRITE -> AclOperation.WRITE;
                    case DESCRIBE -> AclOperation.DESCRIBE;
                };
        return new AclBinding(
                new ResourcePattern(type, binding.name(), pattern),
                new AccessControlEntry(binding.principal(), "*", operation, AclPermissionType.ALLOW));
    }

    /** The JAAS line of a SCRAM login; the password must not contain {@code "} or {@code \}. */
    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** Writes {@code content} to {@code file}, readable by its owner only (set before the content). */
    static void writePrivate(Path file, String content) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
