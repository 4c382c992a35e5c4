package org.mnistspark.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Prints a query result as an aligned text table, doubles in full precision. */
public final class TablePrinter {
    private TablePrinter() {}

    public static String format(Dataset<Row> rows, int limit) {
        String[] names = rows.columns();
        List<String[]> cells = new ArrayList<>();
        cells.add(names);
        List<Row> collected = rows.limit(limit + 1).collectAsList();
        for (Row row : collected.subList(0, Math.min(limit, collected.size()))) {
            String[] line = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                line[i] = text(row.get(i));
            }
            cells.add(line);
        }
        int[] widths = new int[names.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < cells.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < names.length; i++) {
                line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", cells.get(r)[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                out.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
            }
        }
        if (collected.size() > limit) {
            out.append("(first ").append(limit).append(" rows shown)\n");
        }
        if (cells.size() == 1) {
            out.append("(no rows)\n");
        }
        return out.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.6f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0");
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<String> parts = new ArrayList<>();
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) {
                parts.add(text(it.next()));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return value.toString();
    }
}
