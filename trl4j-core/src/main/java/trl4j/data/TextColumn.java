package trl4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One text column of a file, for scoring: a plain text file ({@code .txt}, optionally compressed) has
 * one text per line (blank lines are empty texts); a data file gives a field's value per row, text or
 * a list of texts (several references). Every row must have it: rows are matched by position, so a bad
 * row is an error here, never skipped.
 */
public final class TextColumn {

    private TextColumn() {}

    /** True when the file is read as plain lines rather than as a data table. */
    public static boolean isPlainText(Path file) {
        String name = Compression.stripSuffix(file.getFileName().toString()).toLowerCase(Locale.ROOT);
        return name.endsWith(".txt") || name.endsWith(".text") || !name.contains(".");
    }

    /**
     * The texts of each row. {@code field} may be null for a data file: the first of
     * {@code defaultFields} the first row has is used.
     */
    public static List<List<String>> read(Path file, String field, List<String> defaultFields) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        return isPlainText(file) ? lines(file) : column(file, field, defaultFields);
    }

    private static List<List<String>> lines(Path file) {
        List<List<String>> out = new ArrayList<>();
        try (Utf8Lines lines = new Utf8Lines(Compression.open(file))) {
            for (Utf8Lines.Line line = lines.next(); line != null; line = lines.next()) {
                if (!line.validUtf8()) {
                    throw new IllegalArgumentException(file + ":" + line.number() + ": invalid UTF-8");
                }
                out.add(List.of(line.text()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<List<String>> column(Path file, String field, List<String> defaultFields) {
        List<List<String>> out = new ArrayList<>();
        String chosen = field;
        try (RowReader reader = Container.open(file)) {
            while (reader.hasNext()) {
                RawRecord r = reader.next();
                if (r instanceof BadRow bad) {
                    throw new IllegalArgumentException(bad.message());
                }
                RawRow row = (RawRow) r;
                if (chosen == null) {
                    chosen = defaultFields.stream().filter(f -> Fields.find(row.fields(), f) != null).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(row.location() + ": none of the fields "
                                    + defaultFields + " is present; name one with --*-field"));
                }
                out.add(texts(row, chosen));
            }
        }
        return out;
    }

    /** A text, or a JSON/Parquet list of texts (several references); text is never parsed as a list. */
    private static List<String> texts(RawRow row, String field) {
        try {
            var node = Fields.find(row.fields(), field);
            if (node == null) {
                throw new BadRowException(BadRowReason.MISSING_FIELD, "no '" + field + "'");
            }
            if (node.isArray()) {
                return Fields.textList(row.fields(), field);
            }
            if (!node.isTextual()) {
                throw new BadRowException(BadRowReason.WRONG_TYPE, "'" + field + "' is not text");
            }
            return List.of(node.asText());
        } catch (BadRowException e) {
            throw new IllegalArgumentException(e.at(row.location()).message());
        }
    }
}
