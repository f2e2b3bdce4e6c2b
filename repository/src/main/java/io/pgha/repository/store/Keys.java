package io.pgha.repository.store;

import java.util.regex.Pattern;

/** Object keys: relative paths that cannot climb out of the repository. */
public final class Keys {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    private Keys() {}

    /** Returns the key when it is a safe relative path, else throws saying what is wrong. */
    public static String check(String key) {
        if (key == null || key.length() > 1024 || !SAFE.matcher(key).matches()) {
            throw new IllegalArgumentException("not a repository key: '" + shown(key)
                    + "' (letters, digits, '.', '_', '-' separated by single '/', at most 1024 characters)");
        }
        for (String part : key.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException(
                        "not a repository key: '" + shown(key) + "' ('.' and '..' are not allowed)");
            }
        }
        return key;
    }

    /**
     * Returns the name when it is one safe path segment (a cluster name, a backup id): a key that
     * holds no '/', else throws saying what is wrong.
     */
    public static String checkName(String name, String what) {
        if (name == null || name.length() > 255 || name.contains("/")) {
            throw new IllegalArgumentException("not a " + what + " usable in the repository: '" + shown(name)
                    + "' (letters, digits, '.', '_', '-', no '/', at most 255 characters)");
        }
        try {
            return check(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + what + " usable in the repository: '" + shown(name)
                    + "' (letters, digits, '.', '_', '-', no '/', at most 255 characters; not '.' or '..')");
        }
    }

    /** A prefix: empty, or a safe key followed by '/'. */
    public static String checkPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a repository prefix ends with '/': '" + shown(prefix) + "'");
        }
        check(prefix.substring(0, prefix.length() - 1));
        return prefix;
    }

    private static String shown(String key) {
        String printable = String.valueOf(key).replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "…" : printable;
    }
}
