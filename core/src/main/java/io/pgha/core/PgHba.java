package io.pgha.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules for {@code postgresql.pg_hba} and {@code postgresql.pg_ident} of the dynamic config
 * (Patroni's shape: a list of lines each). Every agent writes them into pg_hba.conf and pg_ident.conf,
 * and PostgreSQL refuses to start on a file it cannot parse, so a line is checked before it is stored
 * (the coordinator's PUT/PATCH /config) and again when an agent reads it from etcd. Pure.
 *
 * <p>A pg_hba line: no control character but tab; no {@code include}, {@code include_if_exists} or
 * {@code include_dir} and no {@code @file} (they name files); a connection type among {@link #TYPES};
 * database, user, for TCP an address (an IP with a /bits or a separate mask, a host name, {@code all},
 * {@code samehost}, {@code samenet}), a method among {@link #METHODS} (with the pairings PostgreSQL
 * enforces: {@code peer} only {@code local}, {@code gss} never {@code local}, {@code cert} only {@code
 * hostssl}), then {@code name=value} options whose names that method accepts, read as PostgreSQL 15 reads
 * them (a comma outside double quotes separates two options, the quotes are removed) and with the values
 * and combinations PostgreSQL 15 refuses refused here ({@link PgHbaOptions}): {@code ldapport} and {@code
 * radiusports} ports 1-65535; {@code ldapscheme} {@code ldap} or {@code ldaps}; {@code ldaptls}, {@code
 * include_realm}, {@code pam_use_hostname} {@code 0} or {@code 1} (PostgreSQL reads anything but {@code 1}
 * as 0: pgha refuses the rest rather than let {@code ldaptls=true} mean no TLS); {@code clientcert} {@code
 * verify-ca} or {@code verify-full} ({@code verify-full} only with cert), {@code clientname} {@code CN} or
 * {@code DN}, both only on hostssl; {@code map} a pg_ident.conf name without blanks, quotes, commas or
 * {@code #}; {@code ldapurl} an {@code ldap://} or {@code ldaps://} URL; {@code radiusservers}, {@code
 * radiussecrets}, {@code radiusidentifiers} comma lists (double-quoted in the line) of 1 item or as many as
 * servers; no LDAP simple-bind option with a search+bind one, no {@code ldapsearchattribute} with {@code
 * ldapsearchfilter}. Not checked: that a host name resolves (PostgreSQL resolves {@code radiusservers} when it
 * reads the file) and that a map exists in pg_ident. A pg_ident line: exactly map, system user, PostgreSQL
 * user. Blank lines and {@code #} comments are allowed in both.
 */
public final class PgHba {
    /** The connection types of pg_hba.conf. */
    public static final List<String> TYPES =
            List.of("local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc");

    /**
     * The authentication methods PostgreSQL 15 on Linux accepts, with the options each takes ({@code
     * sspi} and {@code bsd} exist only on Windows and OpenBSD). {@code clientcert} and {@code
     * clientname} are allowed for every method on a {@code hostssl} line.
     */
    public static final Map<String, Set<String>> METHODS = Map.ofEntries(
            Map.entry("trust", Set.of()),
            Map.entry("reject", Set.of()),
            Map.entry("scram-sha-256", Set.of()),
            Map.entry("md5", Set.of()),
            Map.entry("password", Set.of()),
            Map.entry("gss", Set.of("include_realm", "krb_realm", "map")),
            Map.entry("ident", Set.of("map")),
            Map.entry("peer", Set.of("map")),
            Map.entry(
                    "ldap",
                    Set.of(
                            "ldapserver",
                            "ldapport",
                            "ldapscheme",
                            "ldaptls",
                            "ldapprefix",
                            "ldapsuffix",
                            "ldapbasedn",
                            "ldapbinddn",
                            "ldapbindpasswd",
                            "ldapsearchattribute",
                            "ldapsearchfilter",
                            "ldapurl")),
            Map.entry("radius", Set.of("radiusservers", "radiussecrets", "radiusidentifiers", "radiusports")),
            Map.entry("cert", Set.of("map")),
            Map.entry("pam", Set.of("pamservice", "pam_use_hostname")));

    /** The most lines in either list and the longest line: far beyond any sensible file, they catch mistakes. */
    public static final int MAX_LINES = 1000;

    public static final int MAX_LINE = 1024;

    /** The most fields on a pg_hba line (type, database, user, address, mask, method and options). */
    public static final int MAX_FIELDS = 32;

    private static final Set<String> INCLUDES = Set.of("include", "include_if_exists", "include_dir");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern HOSTNAME =
            Pattern.compile("\\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private PgHba() {}

    /**
     * The problems with the shape of {@code value} (the JSON of {@code key}, {@code postgresql.pg_hba}
     * or {@code postgresql.pg_ident}): a list of strings, or null (a merge patch removes it).
     */
    public static List<String> shapeProblems(String key, JsonNode value) {
        List<String> problems = new ArrayList<>();
        if (value == null || value.isNull()) {
            return problems;
        }
        if (!value.isArray()) {
            problems.add(key + " must be a list of lines, e.g. [\"host all all 10.0.0.0/8 scram-sha-256\"], got "
                    + PgParameters.Printable.of(value.toString()));
            return problems;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                problems.add(key + "[" + i + "] must be a string (one line of the file), got "
                        + PgParameters.Printable.of(value.get(i).toString()));
            }
        }
        return problems;
    }

    /** The lines of {@code value} (a JSON list of strings; null or missing: none); throws naming {@code key} otherwise. */
    public static List<String> read(String key, JsonNode value) {
        List<String> problems = shapeProblems(key, value);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        value.forEach(line -> lines.add(line.asText()));
        return List.copyOf(lines);
    }

    /** Every problem with the pg_hba lines, each naming {@code postgresql.pg_hba[i]}, the line and what is wrong. */
    public static List<String> hbaProblems(List<String> lines) {
        return problems("postgresql.pg_hba", lines, PgHba::hbaLineProblem);
    }

    /** Every problem with the pg_ident lines, each naming {@code postgresql.pg_ident[i]}, the line and what is wrong. */
    public static List<String> identProblems(List<String> lines) {
        return problems("postgresql.pg_ident", lines, PgHba::identLineProblem);
    }

    private static List<String> problems(
            String key, List<String> lines, java.util.function.Function<List<String>, String> check) {
        List<String> problems = new ArrayList<>();
        if (lines.size() > MAX_LINES) {
            problems.add(key + " has " + lines.size() + " lines, more than " + MAX_LINES);
            return problems;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = key + "[" + i + "] \"" + PgParameters.Printable.of(line) + "\": ";
            if (line == null) {
                problems.add(key + "[" + i + "] is null: give the line as a string");
                continue;
            }
            if (line.length() > MAX_LINE) {
                problems.add(where + "longer than " + MAX_LINE + " characters");
                continue;
            }
            String control = controlCharacter(line);
            if (control != null) {
                problems.add(where + control);
                continue;
            }
            try {
                List<String> tokens = tokens(line);
                if (tokens.isEmpty()) {
                    continue; // blank or a comment
                }
                String problem = INCLUDES.contains(tokens.get(0))
                        ? tokens.get(0) + " names a file: pgha writes the whole file, so list the lines here instead"
                        : check.apply(tokens);
                if (problem != null) {
                    problems.add(where + problem);
                }
            } catch (IllegalArgumentException e) {
                problems.add(where + e.getMessage());
            }
        }
        return problems;
    }

    private static String hbaLineProblem(List<String> t) {
        String type = t.get(0);
        if (!TYPES.contains(type)) {
            return "'" + type + "' is not a connection type (use one of " + String.join(", ", TYPES) + ")";
        }
        if (t.size() > MAX_FIELDS) {
            return "more than " + MAX_FIELDS + " fields";
        }
        boolean local = type.equals("local");
        int need = local ? 4 : 5;
        if (t.size() < need) {
            return "too few fields: a " + type + " line is " + type + " DATABASE USER " + (local ? "" : "ADDRESS ")
                    + "METHOD [OPTIONS]";
        }
        for (int i = 1; i <= 2; i++) {
            for (String item : t.get(i).split(",", -1)) {
                if (item.isEmpty()) {
                    return "an empty name in the " + (i == 1 ? "database" : "user") + " field '" + t.get(i) + "'";
                }
                if (item.startsWith("@")) {
                    return "'" + item + "' names a file: list the names themselves";
                }
            }
        }
        int method = 3;
        if (!local) {
            String address = t.get(3);
            String addressProblem = addressProblem(address);
            if (addressProblem != null) {
                return addressProblem;
            }
            method = 4;
            if (!address.contains("/") && isIp(address) && t.size() > 4 && isIp(t.get(4))) {
                method = 5; // a separate netmask
                if (t.size() < 6) {
                    return "no authentication method after the netmask '" + t.get(4) + "'";
                }
            } else if (!address.contains("/") && isIp(address)) {
                return "the address '" + address + "' needs a /bits (e.g. " + address + "/32) or a netmask field";
            }
        }
        String m = t.get(method);
        if (!METHODS.containsKey(m)) {
            return "'" + m + "' is not an authentication method (use one of "
                    + String.join(", ", METHODS.keySet().stream().sorted().toList()) + ")";
        }
        if (m.equals("peer") && !local) {
            return "peer works only on local lines (use ident for TCP)";
        }
        if (m.equals("cert") && !type.equals("hostssl")) {
            return "cert works only on hostssl lines";
        }
        if (m.equals("gss") && local) {
            return "gss works only on TCP lines (host, hostssl, hostnossl, hostgssenc, hostnogssenc)";
        }
        return PgHbaOptions.problem(type, m, t.subList(method + 1, t.size()));
    }

    private static String addressProblem(String address) {
        if (address.equals("all") || address.equals("samehost") || address.equals("samenet")) {
            return null;
        }
        int slash = address.indexOf('/');
        if (slash >= 0) {
            String ip = address.substring(0, slash);
            String bits = address.substring(slash + 1);
            int max = IPV4.matcher(ip).matches() ? 32 : IPV6.matcher(ip).matches() ? 128 : -1;
            if (max < 0 || !isIp(ip)) {
                return "'" + address + "' is not an address: before the / comes an IP address";
            }
            if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > max) {
                return "'" + address + "' is not an address: after the / comes 0 to " + max;
            }
            return null;
        }
        if (IPV4.matcher(address).matches() || IPV6.matcher(address).matches()) {
            return isIp(address) ? null : "'" + address + "' is not an IP address";
        }
        if (address.length() <= 253 && HOSTNAME.matcher(address).matches()) {
            return null;
        }
        return "'" + address + "' is not an address (an IP with /bits, a host name, all, samehost or samenet)";
    }

    static boolean isIp(String text) {
        java.util.regex.Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (!IPV6.matcher(text).matches() || text.length() > 45) {
            return false;
        }
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups = text.split(":", -1);
        int count = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) {
                continue;
            }
            if (i == groups.length - 1 && g.contains(".")) {
                if (!IPV4.matcher(g).matches() || !isIp(g)) {
                    return false;
                }
                count += 2;
            } else if (g.length() > 4 || g.contains(".")) {
                return false;
            } else {
                count++;
            }
        }
        return doubleColon >= 0 ? count < 8 : count == 8;
    }

    private static String identLineProblem(List<String> t) {
        if (t.size() != 3) {
            return t.size() + " fields: a pg_ident line is exactly MAPNAME SYSTEM-USERNAME PG-USERNAME";
        }
        return null;
    }

    /** A control character other than tab, described, or null. */
    private static String controlCharacter(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != '\t' && Character.isISOControl(c)) {
                return "contains a control character (U+" + String.format("%04X", (int) c) + " at position " + i
                        + "): a line break would start a new line of the file; give each line as its own entry";
            }
        }
        if (line.endsWith("\\")) {
            return "ends with a backslash (a continuation would join the next line): remove it";
        }
        return null;
    }

    /**
     * The fields of a line as pg_hba.conf and pg_ident.conf split them: blanks separate, double quotes
     * keep blanks and commas inside one field (and are kept in the field), {@code #} outside quotes
     * starts a comment. Throws for a quote that is not closed.
     */
    static List<String> tokens(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!quoted && c == '#') {
                break;
            }
            if (!quoted && (c == ' ' || c == '\t')) {
                if (current != null) {
                    tokens.add(current.toString());
                    current = null;
                }
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
            }
            if (c == '"') {
                quoted = !quoted;
            }
            current.append(c);
        }
        if (quoted) {
            throw new IllegalArgumentException("a double quote is not closed");
        }
        if (current != null) {
            tokens.add(current.toString());
        }
        return tokens;
    }
}
