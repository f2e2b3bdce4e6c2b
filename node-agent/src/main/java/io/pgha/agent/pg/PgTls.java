package io.pgha.agent.pg;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL TLS: the operator's server certificate, key and CA ({@code pgha.postgres.tls.cert-file},
 * {@code key-file}, {@code ca-file}). The agent copies them into {@code <node dir>/tls} (outside the
 * data directory, so pg_basebackup and pg_rewind never carry one member's key to another), readable by
 * its own OS user only, and PostgreSQL serves them; every connection the agent makes uses {@code
 * sslmode=verify-full} against the CA. The decisions (settings, pg_hba lines, client options, whether
 * a certificate names a host) are pure; {@link #checked} reads the files once at start.
 */
public record PgTls(Path certFile, Path keyFile, Path caFile) {
    /** The folder, beside the data directory, that PostgreSQL reads its TLS files from. */
    static final String DIR = "tls";

    static final String CERT = "server.crt";
    static final String KEY = "server.key";
    static final String CA = "ca.crt";

    /**
     * The three files, checked: each readable; the certificate and the CA parse as PEM X.509, the
     * certificate is signed by the CA and names every host in {@code hosts} (the addresses the agent and
     * the other members connect to); the key is a PEM private key. Otherwise an exception naming the
     * property and what to do.
     */
    public static PgTls checked(Path certFile, Path keyFile, Path caFile, Collection<String> hosts) {
        X509Certificate ca = certificate("pgha.postgres.tls.ca-file", caFile);
        X509Certificate cert = certificate("pgha.postgres.tls.cert-file", certFile);
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("pgha.postgres.tls.cert-file " + certFile + " ("
                    + cert.getSubjectX500Principal() + ") is not signed by pgha.postgres.tls.ca-file " + caFile
                    + " (" + ca.getSubjectX500Principal() + "): issue it from that CA, or point ca-file at its CA");
        }
        List<List<?>> names;
        try {
            Collection<List<?>> alt = cert.getSubjectAlternativeNames();
            names = alt == null ? List.of() : new ArrayList<>(alt);
        } catch (GeneralSecurityException e) {
            names = List.of();
        }
        for (String host : hosts) {
            if (!isWildcard(host) && !covers(host, names)) {
                throw new IllegalArgumentException("pgha.postgres.tls.cert-file " + certFile + " does not name '"
                        + host + "' (its subject alternative names: " + describe(names) + "); other members"
                        + " connect with sslmode=verify-full, so the certificate must name the address in"
                        + " conn_url (pgha.postgres.connect-host, else listen-host): reissue it with that name");
            }
        }
        String key = readable("pgha.postgres.tls.key-file", keyFile);
        if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("pgha.postgres.tls.key-file " + keyFile
                    + " is not a PEM private key (no '-----BEGIN ... PRIVATE KEY-----'): give the certificate's"
                    + " unencrypted key in PEM");
        }
        return new PgTls(certFile, keyFile, caFile);
    }

    /**
     * Whether a certificate with these subject alternative names (as {@link
     * X509Certificate#getSubjectAlternativeNames}: type 2 DNS, type 7 IP) is valid for {@code host} the way
     * libpq's and pgjdbc's verify-full see it: an IP address against the IP names, a host name against
     * the DNS names (a leading {@code *.} matches one label).
     */
    static boolean covers(String host, Collection<List<?>> names) {
        boolean ip = isIpLiteral(host);
        for (List<?> name : names) {
            int type = ((Number) name.get(0)).intValue();
            String value = String.valueOf(name.get(1));
            if (ip && type == 7 && sameAddress(host, value)) {
                return true;
            }
            if (!ip && type == 2 && dnsMatches(host, value)) {
                return true;
            }
        }
        return false;
    }

    /** The settings pgha.conf gets: TLS on, PostgreSQL's copies of the files in {@code tlsDir}. */
    static Map<String, String> serverSettings(Path tlsDir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("ssl", "on");
        conf.put("ssl_cert_file", tlsDir.resolve(CERT).toString());
        conf.put("ssl_key_file", tlsDir.resolve(KEY).toString());
        conf.put("ssl_ca_file", tlsDir.resolve(CA).toString());
        conf.put("ssl_min_protocol_version", "TLSv1.2");
        return conf;
    }

    /** Listen addresses that mean "every interface": a connection to one reaches this machine. */
    private static final Set<String> WILDCARDS = Set.of("", "*", "0.0.0.0", "::", "[::]");

    /**
     * The libpq (and pgjdbc) options of a connection to {@code host}: verify the server's certificate
     * and that it names {@code host} ({@code verify-full}); only for a wildcard listen address (the
     * agent's connection to its own PostgreSQL when {@code listen-host} is {@code 0.0.0.0}, which no
     * certificate names) the certificate alone ({@code verify-ca}).
     */
    Map<String, String> clientOptions(String host) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("sslmode", isWildcard(host) ? "verify-ca" : "verify-full");
        options.put("sslrootcert", caFile.toString());
        return options;
    }

    /**
     * pg_hba.conf's TCP lines for {@code lines} (each {@code host ...}): without TLS as they are; with
     * TLS each as {@code hostssl}, followed by lines that reject every TCP connection without TLS, for
     * normal and replication connections, IPv4 and IPv6. Unix socket lines are not passed here.
     */
    static List<String> hostLines(List<String> lines, boolean tls) {
        if (!tls) {
            return lines;
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("host ")) {
                throw new IllegalArgumentException("not a host line: " + line);
            }
            out.add("hostssl " + line.substring("host ".length()));
        }
        out.add("hostnossl all all 0.0.0.0/0 reject");
        out.add("hostnossl all all ::/0 reject");
        out.add("hostnossl replication all 0.0.0.0/0 reject");
        out.add("hostnossl replication all ::/0 reject");
        return out;
    }

    static boolean isWildcard(String host) {
        return WILDCARDS.contains(host.strip());
    }

    private static X509Certificate certificate(String property, Path file) {
        readable(property, file);
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException(property + " " + file
                    + " is not a PEM X.509 certificate (" + e.getClass().getSimpleName()
                    + "): give the certificate in PEM ('-----BEGIN CERTIFICATE-----')");
        }
    }

    private static String readable(String property, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(property + " " + file + " does not exist or is not a file:"
                    + " point it at the operator-provided PEM file");
        }
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + " " + file + " cannot be read by "
                    + System.getProperty("user.name") + " (" + e.getClass().getSimpleName()
                    + "): make it readable by the user the agent runs as");
        }
    }

    private static final Set<Character> IPV4 = Set.of('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.');

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || (!host.isEmpty() && host.chars().allMatch(c -> IPV4.contains((char) c)));
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // literals only: getByName does not resolve an IP literal
            return isIpLiteral(b) && InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean dnsMatches(String host, String pattern) {
        String h = host.toLowerCase(Locale.ROOT);
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(p.substring(1));
        }
        return h.equals(p);
    }

    private static String describe(Collection<List<?>> names) {
        if (names.isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        for (List<?> name : names) {
            int type = ((Number) name.get(0)).intValue();
            out.add((type == 7 ? "IP:" : type == 2 ? "DNS:" : type + ":") + name.get(1));
        }
        return String.join(", ", out);
    }
}
