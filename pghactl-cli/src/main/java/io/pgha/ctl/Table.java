package io.pgha.ctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table printed as patronictl prints its own ({@code -f pretty|tsv|json|yaml}): pretty is a boxed
 * table with the title set into its top border ({@code + Cluster: pgha ---+----+}), numbers right-aligned
 * and everything else left-aligned; tsv has a header line; json and yaml are lists of objects keyed by the
 * column names. Pure.
 *
 * @param title the text set into the top border (pretty only), or null
 * @param rightAligned the columns aligned right in pretty
 * @param rows each row's values in column order ({@code ""} for nothing)
 */
public record Table(String title, List<String> columns, Set<String> rightAligned, List<List<Object>> rows) {

    /** The output formats of {@code -f}. */
    public enum Format {
        PRETTY,
        TSV,
        JSON,
        YAML;

        /** {@code pretty}, {@code tsv}, {@code json}, {@code yaml} (any case), or a usage error listing them. */
        public static Format parse(String text) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(text.strip())) {
                    return f;
                }
            }
            throw CtlException.usage("unknown format '" + text + "': use pretty, tsv, json or yaml");
        }
    }

    public String render(Format format) {
        return switch (format) {
            case PRETTY -> pretty();
            case TSV -> tsv();
            case JSON -> Json.write(objects()) + "\n";
            case YAML -> Json.yaml(objects());
        };
    }

    private List<Map<String, Object>> objects() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                object.put(columns.get(i), row.get(i));
            }
            list.add(object);
        }
        return list;
    }

    private String tsv() {
        StringBuilder out = new StringBuilder(String.join("\t", columns)).append('\n');
        for (List<Object> row : rows) {
            List<String> cells = row.stream().map(Table::cell).toList();
            out.append(String.join("\t", cells)).append('\n');
        }
        return out.toString();
    }

    private String pretty() {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (List<Object> row : rows) {
                widths[i] = Math.max(widths[i], cell(row.get(i)).length());
            }
        }
        StringBuilder border = new StringBuilder("+");
        for (int w : widths) {
            border.append("-".repeat(w + 2)).append('+');
        }
        StringBuilder out = new StringBuilder();
        out.append(title == null ? border : titled(border.toString(), title)).append('\n');
        out.append(line(columns.stream().map(c -> (Object) c).toList(), widths, true))
                .append('\n');
        out.append(border).append('\n');
        for (List<Object> row : rows) {
            out.append(line(row, widths, false)).append('\n');
        }
        out.append(border).append('\n');
        return out.toString();
    }

    /** {@code + <title> ---+---+}: the title over the start of the border, which goes on after it. */
    static String titled(String border, String title) {
        String head = "+ " + title + " ";
        if (head.length() < border.length()) {
            return head + border.substring(head.length());
        }
        return head + "+";
    }

    private String line(List<Object> cells, int[] widths, boolean header) {
        StringBuilder out = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            String text = cell(cells.get(i));
            String pad = " ".repeat(widths[i] - text.length());
            boolean right = !header && rightAligned.contains(columns.get(i));
            out.append(' ').append(right ? pad + text : text + pad).append(" |");
        }
        return out.toString();
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, v) -> parts.add(k + ": " + v));
            return String.join(", ", parts);
        }
        return value.toString().replaceAll("\\p{Cntrl}", "?");
    }
}
