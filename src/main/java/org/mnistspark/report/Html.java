package org.mnistspark.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;

/** HTML pieces for the report page and the notebook's table cells: escaped text, tables of rows, embedded PNGs. */
public final class Html {
    /** A table shows at most this many rows, and says how many it left out. */
    public static final int MAX_ROWS = 200;

    private Html() {}

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A cell's text: doubles to 6 significant digits (accuracies stay exact: 0.9691), lists and maps spelled out. */
    public static String value(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return String.valueOf(d);
            }
            return new BigDecimal(d)
                    .round(new MathContext(6))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Html::value).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> value(e.getKey()) + ": " + value(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return value.toString();
    }

    /** The rows as an HTML table, column names as its header; at most {@value #MAX_ROWS} rows. */
    public static String table(Dataset<Row> rows) {
        String[] names = rows.columns();
        List<Row> collected = rows.limit(MAX_ROWS + 1).collectAsList();
        StringBuilder html = new StringBuilder("<div class=\"table\"><table>\n<thead><tr>");
        for (String name : names) {
            html.append("<th>").append(escape(name)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (Row row : collected.subList(0, Math.min(MAX_ROWS, collected.size()))) {
            html.append("<tr>");
            for (int i = 0; i < names.length; i++) {
                Object cell = cell(row, i);
                html.append(cell instanceof Number ? "<td class=\"n\">" : "<td>")
                        .append(escape(value(cell)))
                        .append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        if (collected.size() > MAX_ROWS) {
            html.append("<p class=\"note\">The first ").append(MAX_ROWS).append(" rows.</p>\n");
        }
        return html.toString();
    }

    private static Object cell(Row row, int i) {
        if (row.isNullAt(i)) {
            return null;
        }
        DataType type = row.schema().fields()[i].dataType();
        if (type instanceof ArrayType) {
            return row.getList(i);
        }
        if (type instanceof MapType) {
            return row.getJavaMap(i);
        }
        return row.get(i);
    }

    /** A PNG embedded in the page itself (a data URI): the page needs no other file. */
    public static String image(byte[] png, String alt) {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\" alt=\"" + escape(alt)
                + "\">";
    }
}
