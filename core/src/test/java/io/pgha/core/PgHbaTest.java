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
                .contains("'ldapserver' is not an option of md5 (it takes none, and clientcert)");
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
}
