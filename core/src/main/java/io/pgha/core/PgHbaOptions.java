package io.pgha.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code name=value} options of one pg_hba line read as PostgreSQL 15 reads them (hba.c's {@code
 * next_token}, {@code parse_hba_line} and {@code parse_hba_auth_opt}, and {@code SplitGUCList} for the
 * RADIUS lists), and the values and combinations PostgreSQL 15 refuses, so that {@link PgHba} refuses
 * them first. Pure. Each problem is an {@link IllegalArgumentException} whose message names the option
 * and what is accepted.
 *
 * <p>Where PostgreSQL 15 is looser than this class, and why pgha is stricter:
 *
 * <ul>
 *   <li>{@code ldaptls}, {@code include_realm}, {@code pam_use_hostname}: PostgreSQL compares the value
 *       with {@code "1"} and reads anything else as 0, so {@code ldaptls=true} would silently send LDAP
 *       passwords without TLS. pgha takes only {@code 0} or {@code 1}.
 *   <li>{@code ldapscheme}: PostgreSQL only logs a value other than {@code ldap} or {@code ldaps} (and
 *       then uses ldap); pgha refuses it.
 *   <li>{@code ldapport}, {@code radiusports} and the port of {@code ldapurl}: PostgreSQL refuses only
 *       what C's {@code atoi} reads as 0 ({@code abc}, empty) and takes {@code 70000}, {@code -1} or
 *       {@code 389x}; pgha takes digits from 1 to 65535.
 *   <li>{@code map}: PostgreSQL takes any value, {@code map=} meaning no map at all (ident and peer then
 *       compare the names as they are), and a quoted name with blanks if pg_ident.conf quotes it alike.
 *       pgha takes a name that needs no quotes in pg_ident.conf: not empty, without blanks, double quotes,
 *       commas or {@code #}.
 *   <li>{@code ldapurl}: PostgreSQL hands it to OpenLDAP's {@code ldap_url_parse}; pgha checks its
 *       structure ({@code ldap[s]://host[:port][/basedn[?attribute[?scope[?filter[?extensions]]]]]},
 *       the scheme in any case, a scope among {@link #SCOPES}), not the escapes or the filter.
 *   <li>{@code radiusservers}: PostgreSQL resolves each name when it reads the file (a name that does not
 *       resolve fails the file); pgha checks that each is an IP address or a host name, not that it
 *       resolves.
 * </ul>
 */
final class PgHbaOptions {
    /** The options every method takes on a hostssl line. */
    static final Set<String> HOSTSSL = Set.of("clientcert", "clientname");

    /** The LDAP URL scopes OpenLDAP reads (in any case); empty means the default, subtree. */
    static final Set<String> SCOPES =
            Set.of("base", "one", "onelevel", "sub", "subtree", "children", "subord", "subordinate");

    private static final Set<String> BOOLEANS = Set.of("ldaptls", "include_realm", "pam_use_hostname");
    private static final Pattern OPTION_NAME = Pattern.compile("[a-z_]+");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern RADIUS_HOST =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");
    private static final List<String> SIMPLE_BIND = List.of("ldapprefix", "ldapsuffix");
    private static final List<String> SEARCH_BIND =
            List.of("ldapbasedn", "ldapbinddn", "ldapbindpasswd", "ldapsearchattribute", "ldapsearchfilter");

    private PgHbaOptions() {}

    /**
     * The problem with the options {@code fields} (the fields after the method) of a {@code type} line with
     * method {@code method}, or null.
     */
    static String problem(String type, String method, List<String> fields) {
        try {
            check(method, options(type, method, fields));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The options as PostgreSQL reads them, by name (the last one of a name wins, as in PostgreSQL). */
    private static Map<String, String> options(String type, String method, List<String> fields) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String field : fields) {
            List<String> parts = new ArrayList<>();
            boolean comma = split(field, parts);
            String hint = comma ? commaHint(field) : "";
            for (String option : parts) {
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("the option '" + option + "' is not name=value" + hint);
                }
                String name = option.substring(0, eq);
                boolean known = OPTION_NAME.matcher(name).matches()
                        && (PgHba.METHODS.get(method).contains(name) || HOSTSSL.contains(name));
                if (!known) {
                    Set<String> takes = PgHba.METHODS.get(method);
                    throw new IllegalArgumentException("'" + name + "' is not an option of " + method
                            + (takes.isEmpty()
                                    ? " (it takes none"
                                    : " (it takes "
                                            + String.join(
                                                    ", ",
                                                    takes.stream().sorted().toList()))
                            + (type.equals("hostssl") ? ", and clientcert and clientname" : "") + ")" + hint);
                }
                String value = option.substring(eq + 1);
                valueCheck(type, method, name, value);
                options.put(name, value);
            }
        }
        return options;
    }

    /**
     * Splits one field into its options as hba.c's {@code next_token} does: a comma outside double quotes
     * ends an option, double quotes are removed and {@code ""} inside them is one quote. Returns whether a
     * comma split it.
     */
    static boolean split(String field, List<String> parts) {
        StringBuilder buf = new StringBuilder();
        boolean inQuote = false;
        boolean wasQuote = false;
        boolean sawQuote = false;
        boolean comma = false;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == ',' && !inQuote) {
                comma = true;
                if (sawQuote || buf.length() > 0) {
                    parts.add(buf.toString());
                }
                buf.setLength(0);
                sawQuote = false;
                wasQuote = false;
                continue;
            }
            if (c != '"' || wasQuote) {
                buf.append(c);
            }
            wasQuote = inQuote && c == '"' && !wasQuote;
            if (c == '"') {
                inQuote = !inQuote;
                sawQuote = true;
            }
        }
        if (sawQuote || buf.length() > 0) {
            parts.add(buf.toString());
        }
        return comma;
    }

    private static String commaHint(String field) {
        int eq = field.indexOf('=');
        String example = eq > 0 && field.indexOf('"') < 0
                ? field.substring(0, eq) + "=\"" + field.substring(eq + 1) + "\""
                : "name=\"a,b\"";
        return " (a comma outside double quotes separates options in pg_hba.conf: quote a value that has commas,"
                + " e.g. " + example + ")";
    }

    private static void valueCheck(String type, String method, String name, String value) {
        if (BOOLEANS.contains(name) && !value.equals("0") && !value.equals("1")) {
            throw bad(name, value, "0 or 1 (PostgreSQL reads anything but 1 as 0)");
        }
        switch (name) {
            case "clientcert" -> {
                if (!type.equals("hostssl")) {
                    throw new IllegalArgumentException("clientcert works only on hostssl lines");
                }
                if (!value.equals("verify-ca") && !value.equals("verify-full")) {
                    throw bad(name, value, "verify-ca or verify-full");
                }
                if (method.equals("cert") && value.equals("verify-ca")) {
                    throw bad(name, value, "only verify-full with cert (cert always verifies the full certificate)");
                }
            }
            case "clientname" -> {
                if (!type.equals("hostssl")) {
                    throw new IllegalArgumentException("clientname works only on hostssl lines");
                }
                if (!value.equals("CN") && !value.equals("DN")) {
                    throw bad(name, value, "CN or DN");
                }
            }
            case "ldapport" -> port(name, value);
            case "ldapscheme" -> {
                if (!value.equals("ldap") && !value.equals("ldaps")) {
                    throw bad(name, value, "ldap or ldaps");
                }
            }
            case "ldapurl" -> LdapUrl.parse(value);
            case "map" -> {
                if (value.isEmpty() || value.chars().anyMatch(c -> " \t\",#".indexOf(c) >= 0)) {
                    throw bad(
                            name,
                            value,
                            "a pg_ident.conf map name: not empty, without blanks, double quotes, commas or #");
                }
            }
            case "radiusservers" -> {
                for (String server : list(name, value, "radiusservers=\"radius1.example.net,10.0.0.7\"")) {
                    if (!PgHba.isIp(server)
                            && !(server.length() <= 253
                                    && RADIUS_HOST.matcher(server).matches())) {
                        throw new IllegalArgumentException(
                                "radiusservers: '" + server + "' is not an IP address or a host name");
                    }
                }
            }
            case "radiusports" -> {
                for (String port : list(name, value, "radiusports=\"1812,1812\"")) {
                    port(name, port);
                }
            }
            case "radiussecrets" -> list(name, value, "radiussecrets=\"secret1,secret2\"");
            case "radiusidentifiers" -> list(name, value, "radiusidentifiers=\"pg1,pg2\"");
            default -> {
                // any value, an empty one too (PostgreSQL takes it)
            }
        }
    }

    private static void port(String name, String value) {
        if (!PORT.matcher(value).matches() || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw bad(name, value, "a port, 1 to 65535");
        }
    }

    /** A RADIUS list as PostgreSQL's {@code SplitGUCList} reads it; throws naming {@code name} and an example. */
    private static List<String> list(String name, String value, String example) {
        List<String> items = splitGucList(value);
        if (items == null) {
            throw bad(
                    name,
                    value,
                    "a comma list (items may be double-quoted, blanks only around commas), e.g. " + example);
        }
        return items;
    }

    /**
     * {@code value} split as PostgreSQL's {@code SplitGUCList} splits it: items separated by commas, blanks
     * around them skipped, an item either unquoted (no blank or comma, not empty) or double-quoted ({@code ""}
     * inside is one quote). An empty value is an empty list; null for a syntax error.
     */
    static List<String> splitGucList(String value) {
        List<String> items = new ArrayList<>();
        int i = skipSpace(value, 0);
        if (i == value.length()) {
            return items;
        }
        while (true) {
            if (value.charAt(i) == '"') {
                StringBuilder item = new StringBuilder();
                int j = i + 1;
                while (true) {
                    int end = value.indexOf('"', j);
                    if (end < 0) {
                        return null;
                    }
                    item.append(value, j, end);
                    if (end + 1 < value.length() && value.charAt(end + 1) == '"') {
                        item.append('"');
                        j = end + 2;
                    } else {
                        i = end + 1;
                        break;
                    }
                }
                items.add(item.toString());
            } else {
                int start = i;
                while (i < value.length() && value.charAt(i) != ',' && !isSpace(value.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return null;
                }
                items.add(value.substring(start, i));
            }
            i = skipSpace(value, i);
            if (i == value.length()) {
                return items;
            }
            if (value.charAt(i) != ',') {
                return null;
            }
            i = skipSpace(value, i + 1);
            if (i == value.length()) {
                return null; // a trailing comma: an empty item
            }
        }
    }

    private static int skipSpace(String value, int i) {
        while (i < value.length() && isSpace(value.charAt(i))) {
            i++;
        }
        return i;
    }

    /** PostgreSQL's {@code scanner_isspace}. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static IllegalArgumentException bad(String name, String value, String accepted) {
        return new IllegalArgumentException(
                name + " must be " + accepted + ", got '" + PgParameters.Printable.of(value) + "'");
    }

    /** The checks across options that hba.c's {@code parse_hba_line} makes after reading them all. */
    private static void check(String method, Map<String, String> options) {
        if (method.equals("ldap")) {
            ldap(options);
        }
        if (method.equals("radius")) {
            radius(options);
        }
    }

    private static void ldap(Map<String, String> options) {
        if (!options.containsKey("ldapserver") && !options.containsKey("ldapurl")) {
            throw new IllegalArgumentException("ldap needs ldapserver or ldapurl");
        }
        Set<String> set = new java.util.HashSet<>(options.keySet());
        if (options.containsKey("ldapurl")) {
            set.addAll(LdapUrl.parse(options.get("ldapurl")).implied());
        }
        if (SIMPLE_BIND.stream().anyMatch(set::contains)) {
            if (SEARCH_BIND.stream().anyMatch(set::contains)) {
                throw new IllegalArgumentException("ldapprefix and ldapsuffix (simple bind) cannot be used with "
                        + String.join(", ", SEARCH_BIND)
                        + " or an ldapurl with a base DN, attribute or filter (search+bind)");
            }
        } else if (!set.contains("ldapbasedn")) {
            throw new IllegalArgumentException("ldap needs ldapbasedn, ldapprefix, ldapsuffix or an ldapurl with a"
                    + " base DN (ldap://host/dc=example,dc=net)");
        }
        if (set.contains("ldapsearchattribute") && set.contains("ldapsearchfilter")) {
            throw new IllegalArgumentException(
                    "ldapsearchattribute and ldapsearchfilter (also from ldapurl) cannot be used together");
        }
    }

    private static void radius(Map<String, String> options) {
        if (!options.containsKey("radiusservers") || !options.containsKey("radiussecrets")) {
            throw new IllegalArgumentException("radius needs radiusservers and radiussecrets");
        }
        int servers = splitGucList(options.get("radiusservers")).size();
        if (servers == 0) {
            throw new IllegalArgumentException("radiusservers must name at least one server");
        }
        int secrets = splitGucList(options.get("radiussecrets")).size();
        if (secrets == 0) {
            throw new IllegalArgumentException("radiussecrets must have at least one secret");
        }
        count("radiussecrets", secrets, servers);
        for (String name : List.of("radiusports", "radiusidentifiers")) {
            if (options.containsKey(name)) {
                int n = splitGucList(options.get(name)).size();
                if (n > 0) {
                    count(name, n, servers);
                }
            }
        }
    }

    private static void count(String name, int n, int servers) {
        if (n != 1 && n != servers) {
            throw new IllegalArgumentException(name + " has " + n + " items: give 1 (for every server) or as many as"
                    + " radiusservers (" + servers + ")");
        }
    }

    /** What an {@code ldapurl} sets besides the server: a base DN, a search attribute, a filter. */
    record LdapUrl(boolean baseDn, boolean attribute, boolean filter) {
        /** The options this URL counts as for PostgreSQL's checks across options. */
        List<String> implied() {
            List<String> names = new ArrayList<>();
            Map.of("ldapbasedn", baseDn, "ldapsearchattribute", attribute, "ldapsearchfilter", filter)
                    .forEach((name, set) -> {
                        if (set) {
                            names.add(name);
                        }
                    });
            return names;
        }

        /** Throws naming ldapurl and the expected shape when {@code url} is not an LDAP URL PostgreSQL takes. */
        static LdapUrl parse(String url) {
            String shape = " (ldap[s]://host[:port][/basedn[?attribute[?scope[?filter[?extensions]]]]])";
            String lower = url.toLowerCase(Locale.ROOT);
            String rest;
            if (lower.startsWith("ldap://")) {
                rest = url.substring("ldap://".length());
            } else if (lower.startsWith("ldaps://")) {
                rest = url.substring("ldaps://".length());
            } else {
                throw bad("ldapurl", url, "an LDAP URL starting with ldap:// or ldaps://" + shape);
            }
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
                end++;
            }
            String host = rest.substring(0, end);
            int close = host.startsWith("[") ? host.indexOf(']') : -1;
            if (host.startsWith("[") && close < 0) {
                throw bad("ldapurl", url, "an LDAP URL with an IPv6 host in [ ]" + shape);
            }
            int colon = host.indexOf(':', Math.max(close, 0));
            if (colon >= 0) {
                String port = host.substring(colon + 1);
                if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    throw bad("ldapurl", url, "an LDAP URL whose port is 1 to 65535" + shape);
                }
            }
            String path = rest.substring(end);
            boolean baseDn = path.startsWith("/");
            int q = path.indexOf('?');
            String[] parts = q < 0 ? new String[0] : path.substring(q + 1).split("\\?", -1);
            if (parts.length > 4 || (parts.length == 4 && parts[3].isEmpty())) {
                throw bad(
                        "ldapurl",
                        url,
                        "an LDAP URL with at most attribute, scope, filter and extensions after"
                                + " the base DN (and the extensions not empty)" + shape);
            }
            if (parts.length > 1 && !parts[1].isEmpty() && !SCOPES.contains(parts[1].toLowerCase(Locale.ROOT))) {
                throw bad(
                        "ldapurl",
                        url,
                        "an LDAP URL whose scope is one of "
                                + String.join(", ", SCOPES.stream().sorted().toList()) + shape);
            }
            return new LdapUrl(
                    baseDn, parts.length > 0 && !parts[0].isEmpty(), parts.length > 2 && !parts[2].isEmpty());
        }
    }
}
