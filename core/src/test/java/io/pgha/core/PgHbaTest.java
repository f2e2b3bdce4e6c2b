package io.pgha.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PgHbaTest {
    private static String problem(String line) {
        List<String> problems = PgHba.hbaProblems(List.of(line));
        assertThat(problems).as(line).hasSize(1);
        return problems.get(0);
    }

    @Test
    void linesAsPatronisDocumentationWritesThemAreAccepted() {
        assertThat(PgHba.hbaProblems(List.of(
                        "# a comment",
                        "",
                        "local all all peer",
                        "local all postgres peer map=admins",
                        "host all all 0.0.0.0/0 md5",
                        "host replication replicator 127.0.0.1/32 scram-sha-256",
                        "host\tall\tall\t::1/128\ttrust   # trailing comment",
                        "host all all 192.168.0.0 255.255.0.0 md5",
                        "hostssl all all all cert clientcert=verify-full map=certs",
                        "hostssl all +admins .example.com scram-sha-256 clientcert=verify-ca",
                        "hostnossl all all samenet reject",
                        "hostgssenc all all 10.0.0.0/8 gss include_realm=0 krb_realm=EXAMPLE.COM",
                        "hostnogssenc sales,\"my db\" \"bob smith\",alice fe80::1/64 ident map=omicron",
                        "host all all db.internal ldap ldapserver=ldap.example.net ldapprefix=\"cn=\"",
                        "host all all samehost radius radiusservers=a radiussecrets=b",
                        "host all all 10.0.0.0/8 pam pamservice=postgresql")))
                .isEmpty();
    }

    @Test
    void eachProblemNamesTheIndexTheLineAndWhatIsWrong() {
        List<String> problems =
                PgHba.hbaProblems(List.of("host all all 10.0.0.0/8 trust", "hots all all 10.0.0.0/8 trust"));
        assertThat(problems)
                .containsExactly("postgresql.pg_hba[1] \"hots all all 10.0.0.0/8 trust\": 'hots' is not a connection"
                        + " type (use one of local, host, hostssl, hostnossl, hostgssenc, hostnogssenc)");
    }

    @Test
    void fileInclusionIsRefused() {
        assertThat(problem("include /etc/passwd")).contains("include names a file");
        assertThat(problem("include_if_exists other.conf")).contains("include_if_exists names a file");
        assertThat(problem("include_dir conf.d")).contains("include_dir names a file");
        assertThat(problem("host all @/etc/users 10.0.0.0/8 md5")).contains("'@/etc/users' names a file");
        assertThat(problem("host @dbs all 10.0.0.0/8 md5")).contains("'@dbs' names a file");
    }

    @Test
    void controlCharactersButTabAndAContinuationAreRefused() {
        assertThat(problem("host all all 10.0.0.0/8 trust\nhost all all 0.0.0.0/0 trust"))
                .contains("\\u000a")
                .contains("control character (U+000A at position 29)");
        assertThat(problem("host all all 10.0.0.0/8 trust\r")).contains("U+000D");
        assertThat(problem("host all all 10.0.0.0/8 trust\u0000")).contains("U+0000");
        assertThat(problem("host all all 10.0.0.0/8 \\")).contains("backslash");
    }

    @Test
    void fieldCountsAreChecked() {
        assertThat(problem("local all all")).contains("too few fields: a local line is local DATABASE USER METHOD");
        assertThat(problem("host all all trust")).contains("too few fields");
        assertThat(problem("host all all 192.168.0.0 255.255.0.0"))
                .contains("no authentication method after the netmask");
        assertThat(problem("host all all 10.0.0.0/8 md5" + " map=x".repeat(40))).contains("more than 32 fields");
        assertThat(problem("host , all 10.0.0.0/8 md5")).contains("an empty name in the database field");
    }

    @Test
    void methodsAndTheirPairingsAreChecked() {
        assertThat(problem("host all all 10.0.0.0/8 scram")).contains("'scram' is not an authentication method");
        assertThat(problem("host all all 10.0.0.0/8 sspi")).contains("not an authentication method");
        assertThat(problem("host all all 10.0.0.0/8 peer")).contains("peer works only on local lines");
        assertThat(problem("host all all 10.0.0.0/8 cert")).contains("cert works only on hostssl lines");
        assertThat(problem("host all all 10.0.0.0/8 md5 map=x"))
                .contains("'map' is not an option of md5 (it takes none)");
        assertThat(problem("hostssl all all 10.0.0.0/8 md5 ldapserver=x"))
                .contains("'ldapserver' is not an option of md5 (it takes none, and clientcert and clientname)");
        assertThat(problem("host all all 10.0.0.0/8 md5 clientcert=verify-full"))
                .contains("clientcert works only on hostssl lines");
        assertThat(problem("hostssl all all 10.0.0.0/8 md5 clientcert=1"))
                .contains("clientcert must be verify-ca or verify-full");
        assertThat(problem("host all all 10.0.0.0/8 ident map")).contains("'map' is not name=value");
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapprefix=cn=")).contains("ldap needs ldapserver or ldapurl");
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapserver=x")).contains("ldap needs ldapbasedn, ldapprefix");
        assertThat(problem("host all all 10.0.0.0/8 radius radiusservers=x"))
                .contains("radius needs radiusservers and radiussecrets");
    }

    @Test
    void addressesAreChecked() {
        assertThat(problem("host all all 10.0.0.0/33 md5")).contains("after the / comes 0 to 32");
        assertThat(problem("host all all 10.0.0.300/8 md5")).contains("before the / comes an IP address");
        assertThat(problem("host all all 10.0.0.1 md5")).contains("needs a /bits (e.g. 10.0.0.1/32)");
        assertThat(problem("host all all ::1/129 md5")).contains("after the / comes 0 to 128");
        assertThat(problem("host all all 1::2::3/64 md5")).contains("before the / comes an IP address");
        assertThat(problem("host all all bad_host! md5")).contains("is not an address");
        assertThat(PgHba.hbaProblems(List.of("host all all ::ffff:10.0.0.1/128 md5", "host all all 2001:db8::/32 md5")))
                .isEmpty();
    }

    @Test
    void anUnclosedQuoteIsRefused() {
        assertThat(problem("host all \"bob 10.0.0.0/8 md5")).contains("a double quote is not closed");
    }

    @Test
    void aQuoteKeepsBlanksAndTheHashInsideOneField() {
        assertThat(PgHba.tokens("host \"my db\" \"a#b\" 10.0.0.0/8 md5 # x"))
                .containsExactly("host", "\"my db\"", "\"a#b\"", "10.0.0.0/8", "md5");
    }

    @Test
    void identLinesAreExactlyThreeFields() {
        assertThat(PgHba.identProblems(
                        List.of("# map system pg", "omicron bryanh bryanh", "m /^(.*)@example\\.com$ \\1")))
                .isEmpty();
        assertThat(PgHba.identProblems(List.of("m a", "m a b c", "include other.conf", "m a b\nm c d")))
                .containsExactly(
                        "postgresql.pg_ident[0] \"m a\": 2 fields: a pg_ident line is exactly MAPNAME SYSTEM-USERNAME"
                                + " PG-USERNAME",
                        "postgresql.pg_ident[1] \"m a b c\": 4 fields: a pg_ident line is exactly MAPNAME"
                                + " SYSTEM-USERNAME PG-USERNAME",
                        "postgresql.pg_ident[2] \"include other.conf\": include names a file: pgha writes the whole"
                                + " file, so list the lines here instead",
                        "postgresql.pg_ident[3] \"m a b\\u000am c d\": contains a control character (U+000A at"
                                + " position 5): a line break would start a new line of the file; give each line as"
                                + " its own entry");
    }

    @Test
    void tooManyOrTooLongLinesAreRefused() {
        assertThat(PgHba.hbaProblems(java.util.Collections.nCopies(1001, "local all all trust")))
                .containsExactly("postgresql.pg_hba has 1001 lines, more than 1000");
        assertThat(problem("local all all trust #" + "x".repeat(1100))).contains("longer than 1024 characters");
    }

    private static final String LDAP = "host all all 10.0.0.0/8 ldap ldapserver=ldap.example.net ldapbasedn=dc=x ";
    private static final String RADIUS = "host all all 10.0.0.0/8 radius ";

    /** Each {@code {options, expected}}: the line {@code prefix + options} is refused with a message containing expected. */
    private static void refused(String prefix, String[][] cases) {
        for (String[] c : cases) {
            assertThat(problem(prefix + c[0])).contains(c[1]);
        }
    }

    @Test
    void portsAreOneTo65535() {
        assertThat(problem(LDAP + "ldapport=0")).endsWith("ldapport must be a port, 1 to 65535, got '0'");
        refused(LDAP, new String[][] {
            {"ldapport=abc", "ldapport must be a port, 1 to 65535, got 'abc'"},
            {"ldapport=70000", "ldapport must be a port"},
            {"ldapport=", "ldapport must be a port, 1 to 65535, got ''"}
        });
        refused(RADIUS, new String[][] {
            {
                "radiusservers=10.0.0.1 radiussecrets=s radiusports=abc",
                "radiusports must be a port, 1 to 65535, got 'abc'"
            },
            {
                "radiusservers=\"a,b\" radiussecrets=s radiusports=\"1812,0\"",
                "radiusports must be a port, 1 to 65535, got '0'"
            }
        });
        assertThat(PgHba.hbaProblems(List.of(
                        LDAP + "ldapport=636", RADIUS + "radiusservers=a radiussecrets=s" + " radiusports=1812")))
                .isEmpty();
    }

    @Test
    void ldapschemeIsLdapOrLdaps() {
        assertThat(problem(LDAP + "ldapscheme=foo")).contains("ldapscheme must be ldap or ldaps, got 'foo'");
        assertThat(problem(LDAP + "ldapscheme=LDAPS")).contains("ldapscheme must be ldap or ldaps, got 'LDAPS'");
        assertThat(PgHba.hbaProblems(List.of(LDAP + "ldapscheme=ldaps", LDAP + "ldapscheme=ldap")))
                .isEmpty();
    }

    @Test
    void flagsAreZeroOrOneBecausePostgresReadsAnythingButOneAsZero() {
        assertThat(problem(LDAP + "ldaptls=true"))
                .contains("ldaptls must be 0 or 1 (PostgreSQL reads anything but 1 as 0), got 'true'");
        assertThat(problem(LDAP + "ldaptls=")).contains("ldaptls must be 0 or 1");
        assertThat(problem("host all all 10.0.0.0/8 gss include_realm=yes")).contains("include_realm must be 0 or 1");
        assertThat(problem("host all all 10.0.0.0/8 pam pam_use_hostname=on"))
                .contains("pam_use_hostname must be 0 or 1");
        assertThat(PgHba.hbaProblems(List.of(
                        LDAP + "ldaptls=1",
                        "host all all 10.0.0.0/8 gss include_realm=1",
                        "host all all 10.0.0.0/8 pam pam_use_hostname=0")))
                .isEmpty();
    }

    @Test
    void clientnameIsCnOrDnOnAnyHostsslLine() {
        assertThat(problem("hostssl all all 10.0.0.0/8 cert clientname=cn"))
                .contains("clientname must be CN or DN, got 'cn'");
        assertThat(problem("hostssl all all 10.0.0.0/8 cert clientname=")).contains("clientname must be CN or DN");
        assertThat(problem("host all all 10.0.0.0/8 md5 clientname=CN"))
                .contains("clientname works only on hostssl lines");
        assertThat(problem("hostssl all all 10.0.0.0/8 cert clientcert=verify-ca"))
                .contains("clientcert must be only verify-full with cert");
        assertThat(PgHba.hbaProblems(List.of(
                        "hostssl all all 10.0.0.0/8 md5 clientcert=verify-full clientname=DN",
                        "hostssl all all 10.0.0.0/8 cert clientname=CN map=certs")))
                .isEmpty();
    }

    @Test
    void gssIsNotForLocalLines() {
        assertThat(problem("local all all gss")).contains("gss works only on TCP lines");
    }

    @Test
    void aMapIsANamePgIdentCanHoldUnquoted() {
        assertThat(problem("host all all 10.0.0.0/8 ident map="))
                .contains("map must be a pg_ident.conf map name: not empty, without blanks, double quotes, commas or"
                        + " #, got ''");
        assertThat(problem("host all all 10.0.0.0/8 ident map=\"my map\"")).contains("got 'my map'");
        assertThat(problem("host all all 10.0.0.0/8 ident map=\"a,b\"")).contains("map must be a pg_ident.conf");
        assertThat(problem("host all all 10.0.0.0/8 ident map=\"a#b\"")).contains("map must be a pg_ident.conf");
        assertThat(PgHba.hbaProblems(List.of(
                        "host all all 10.0.0.0/8 ident map=omicron_2", "host all all 10.0.0.0/8 ident \"map=quoted\"")))
                .isEmpty();
    }

    @Test
    void anUnquotedCommaSeparatesOptionsAsInPostgres() {
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=example,dc=net"))
                .contains("'dc' is not an option of ldap")
                .contains("a comma outside double quotes separates options in pg_hba.conf: quote a value that has"
                        + " commas, e.g. ldapbasedn=\"dc=example,dc=net\"");
        assertThat(problem(RADIUS + "radiusservers=a,b radiussecrets=s"))
                .contains("the option 'b' is not name=value (a comma outside double quotes")
                .contains("radiusservers=\"a,b\"");
        assertThat(problem("host all all 10.0.0.0/8 ident map=x,krb_realm=y"))
                .contains("'krb_realm' is not an option of ident");
        assertThat(PgHba.hbaProblems(List.of(
                        "host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=\"dc=example,dc=net\"",
                        "host all all 10.0.0.0/8 ident map=x,")))
                .isEmpty();
    }

    @Test
    void ldapurlIsAnLdapOrLdapsUrl() {
        String l = "host all all 10.0.0.0/8 ldap ldapurl=";
        assertThat(problem(l))
                .contains("ldapurl must be an LDAP URL starting with ldap:// or ldaps://")
                .endsWith("got ''");
        refused(l, new String[][] {
            {"foo", "ldapurl must be an LDAP URL starting with ldap:// or ldaps://"},
            {"http://x/dc=a", "starting with ldap:// or ldaps://"},
            {"ldap:/x/dc=a", "starting with ldap:// or ldaps://"},
            {"ldapi://x/dc=a", "starting with ldap:// or ldaps://"},
            {"ldap://x:abc/dc=a", "whose port is 1 to 65535"},
            {"ldap://x:/dc=a", "whose port is 1 to 65535"},
            {"ldap://[::1/dc=a", "IPv6 host in [ ]"},
            {"ldap://x/dc=a?uid?bogus", "whose scope is one of base, children, one"},
            {"ldap://x/dc=a????", "extensions not empty"},
            {"ldap://x/dc=a?uid?sub?(uid=x)?ext?more", "at most attribute, scope"},
            {"ldap://x", "ldap needs ldapbasedn, ldapprefix, ldapsuffix or an ldapurl with a base DN"}
        });
        assertThat(PgHba.hbaProblems(List.of(
                        l + "ldap://ldap.example.net/dc=example",
                        l + "LDAPS://ldap.example.net:636/dc=example?uid?sub",
                        l + "\"ldap://[::1]/dc=example,dc=net?uid?one\"",
                        l + "ldap:///dc=example??subtree?(uid=$username)?!critical",
                        l + "ldap://x ldapprefix=cn=",
                        l + "ldap://x ldapbasedn=dc=example")))
                .isEmpty();
    }

    @Test
    void ldapBindModesAndSearchOptionsDoNotMix() {
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapbasedn=dc=a"))
                .contains("ldapprefix and ldapsuffix (simple bind) cannot be used with ldapbasedn, ldapbinddn,"
                        + " ldapbindpasswd, ldapsearchattribute, ldapsearchfilter or an ldapurl with a base DN");
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapurl=ldap://x/ ldapsuffix=\",dc=a\""))
                .contains("(simple bind) cannot be used with");
        assertThat(problem(LDAP + "ldapsearchattribute=uid ldapsearchfilter=(uid=$username)"))
                .contains("ldapsearchattribute and ldapsearchfilter (also from ldapurl) cannot be used together");
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a?uid?sub?(uid=x)"))
                .contains("ldapsearchattribute and ldapsearchfilter");
        assertThat(problem("host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a?uid ldapsearchfilter=(a=b)"))
                .contains("ldapsearchattribute and ldapsearchfilter");
    }

    @Test
    void radiusListsAreCommaListsOfOneOrAsManyAsServers() {
        String[][] cases = {
            {
                "radiusservers=\"a,b\" radiussecrets=\"x,y,z\"",
                "radiussecrets has 3 items: give 1 (for every server) or as many as radiusservers (2)"
            },
            {"radiusservers=a radiussecrets=\"x,y\"", "radiussecrets has 2 items"},
            {
                "radiusservers=\"a,b,c\" radiussecrets=s radiusports=\"1812,1813\"",
                "radiusports has 2 items: give 1 (for every server) or as many as radiusservers (3)"
            },
            {"radiusservers=\"a,b\" radiussecrets=s radiusidentifiers=\"p,q,r\"", "radiusidentifiers has 3 items"},
            {"radiusservers= radiussecrets=s", "radiusservers must name at least one server"},
            {"radiusservers=a radiussecrets=\"\"", "radiussecrets must have at least one secret"},
            {
                "radiusservers=\"a b\" radiussecrets=s",
                "radiusservers must be a comma list (items may be double-quoted, blanks only around commas), e.g."
                        + " radiusservers=\"radius1.example.net,10.0.0.7\", got 'a b'"
            },
            {"radiusservers=\"a,\" radiussecrets=s", "radiusservers must be a comma list"},
            {"radiusservers=\"a,,b\" radiussecrets=s", "radiusservers must be a comma list"},
            {"radiusservers=a radiussecrets=\"x,\"", "radiussecrets must be a comma list"},
            {"radiusservers=a radiussecrets=s radiusidentifiers=\"p,\"", "radiusidentifiers must be a comma list"},
            {
                "radiusservers='10.0.0.1' radiussecrets=s",
                "radiusservers: ''10.0.0.1'' is not an IP address or a host name"
            }
        };
        refused(RADIUS, cases);
        assertThat(PgHba.hbaProblems(List.of(
                        RADIUS
                                + "radiusservers=\" 10.0.0.1 , radius.example.net,::1 \" radiussecrets=\"\"\"a,b\"\",c,d\""
                                + " radiusports=1812 radiusidentifiers=\"p,q,r\"",
                        RADIUS + "radiusservers=a radiussecrets=s radiusports= radiusidentifiers=")))
                .isEmpty();
    }

    @Test
    void optionsAreSplitAndUnquotedAsPostgresDoes() {
        List<String> parts = new java.util.ArrayList<>();
        assertThat(PgHbaOptions.split(",a=1,\"b=x,y\",c=\"p\"\"q\",,", parts)).isTrue();
        assertThat(parts).containsExactly("a=1", "b=x,y", "c=p\"q");
        parts.clear();
        assertThat(PgHbaOptions.split("d=\"\"", parts)).isFalse();
        assertThat(parts).containsExactly("d=");
        assertThat(PgHbaOptions.splitGucList(" a , \"b,\"\"c\" ,d")).containsExactly("a", "b,\"c", "d");
        assertThat(PgHbaOptions.splitGucList("  ")).isEmpty();
        assertThat(PgHbaOptions.splitGucList("\"\"")).containsExactly("");
        assertThat(PgHbaOptions.splitGucList("a b")).isNull();
        assertThat(PgHbaOptions.splitGucList("a,")).isNull();
        assertThat(PgHbaOptions.splitGucList("\"a")).isNull();
    }

    /**
     * Lines PostgreSQL 15.18 (Debian) refused in its pg_hba_file_rules view or on reload (2026-12-03), that
     * PgHba accepted before it checked option values: each must be refused now.
     */
    @Test
    void everyLinePostgres15RefusedIsRefused() {
        List<String> refused = List.of(
                LDAP + "ldapport=0",
                LDAP + "ldapport=abc",
                "host all all 10.0.0.0/8 ldap ldapurl=foo",
                "host all all 10.0.0.0/8 ldap ldapurl=http://x/dc=a",
                "host all all 10.0.0.0/8 ldap ldapurl=",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a?uid?bogus",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x",
                "host all all 10.0.0.0/8 ldap ldapurl=ldapi://x/dc=a",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x:abc/dc=a",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x:/dc=a",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a????",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a?????",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x,y/dc=a",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a ldapprefix=cn=",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/ ldapprefix=cn=",
                "host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapbasedn=y",
                LDAP + "ldapsearchattribute=uid ldapsearchfilter=(uid=$username)",
                "host all all 10.0.0.0/8 ldap ldapurl=ldap://x/dc=a?uid?sub?(uid=x)",
                "host all all 10.0.0.0/8 ldap ldapserver=x ldapsuffix=,dc=x",
                RADIUS + "radiusservers=\"127.0.0.1,127.0.0.2\" radiussecrets=\"a,b,c\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=\"a,b\"",
                RADIUS + "radiusservers= radiussecrets=a",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=",
                RADIUS + "radiusservers=\"127.0.0.1,,127.0.0.2\" radiussecrets=a",
                RADIUS + "radiusservers=\"127.0.0.1,\" radiussecrets=a",
                RADIUS + "radiusservers='127.0.0.1' radiussecrets=a",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=a radiusports=0",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=a radiusports=abc",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=a radiusports=\"1812,1813\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=a radiusports=\"1812,\"",
                RADIUS + "radiusservers=\"127.0.0.1,127.0.0.2\" radiussecrets=a radiusidentifiers=\"x,y,z\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=\"a b\"",
                RADIUS + "radiusservers=\"127.0.0.1 127.0.0.2\" radiussecrets=a",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=\"a,,b\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=a radiusidentifiers=\"x,\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=\"\"\"a\"\" b\"",
                RADIUS + "radiusservers=127.0.0.1 radiussecrets=\"\"\"a\"",
                "hostssl all all 10.0.0.0/8 cert clientname=cn",
                "hostssl all all 10.0.0.0/8 cert clientname=",
                "hostssl all all 10.0.0.0/8 cert clientcert=verify-ca",
                "host all all 10.0.0.0/8 ident map=a,b",
                "host all all 10.0.0.0/8 ident map=x, krb_realm=y",
                "local all all gss");
        for (String line : refused) {
            assertThat(PgHba.hbaProblems(List.of(line))).as(line).hasSize(1);
        }
    }
}
