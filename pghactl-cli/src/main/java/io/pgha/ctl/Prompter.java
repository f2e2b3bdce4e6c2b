package io.pgha.ctl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/** Questions on the terminal (or stdin); the end of input is "no", as patronictl's "Aborted!". */
public final class Prompter {
    private final BufferedReader in;
    private final PrintWriter out;

    public Prompter(BufferedReader in, PrintWriter out) {
        this.in = in;
        this.out = out;
    }

    /** {@code question [y/N]:}; true only for y or yes. */
    public boolean confirm(String question) {
        String answer = line(question + " [y/N]: ");
        return answer != null && (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"));
    }

    /** {@code question [default]:}; the default for an empty line; a failure at the end of input. */
    public String ask(String question, String fallback) {
        String answer = line(question + " [" + fallback + "]: ");
        if (answer == null) {
            throw CtlException.failed("Aborted! (no answer to '" + question + "'; use --force and options instead)");
        }
        return answer.isBlank() ? fallback : answer.strip();
    }

    /** {@code question:} and the line typed, as it is; a failure at the end of input. */
    public String text(String question) {
        String answer = line(question + ": ");
        if (answer == null) {
            throw CtlException.failed("Aborted! (no answer to '" + question + "')");
        }
        return answer;
    }

    /**
     * A secret (a password): read without echo on a terminal, else a line of stdin; a failure at the end
     * of input.
     */
    public String secret(String prompt) {
        java.io.Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("%s", prompt);
            if (typed != null) {
                return new String(typed);
            }
        } else {
            String answer = line(prompt);
            if (answer != null) {
                return answer;
            }
        }
        throw CtlException.failed("Aborted! (no password given)");
    }

    private String line(String prompt) {
        out.print(prompt);
        out.flush();
        try {
            return in.readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
