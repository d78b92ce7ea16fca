package trl4j.data;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * CSV (RFC 4180) and TSV: a header row, then one record per row; fields may be quoted, with
 * {@code ""} for a quote and line breaks inside quotes. A record is located by the line it starts
 * on. Cells are strings; a dotted header ({@code info.post}) puts the cell into a nested object, and
 * list or object cells are expected as JSON text (the schema adapters parse them).
 */
final class CsvReader implements RowReader {

    private final String file;
    private final char delimiter;
    private final Utf8Lines lines;
    private final List<String[]> headerPaths = new ArrayList<>();
    private RawRecord next;

    CsvReader(String file, InputStream in, char delimiter) {
        this.file = file;
        this.delimiter = delimiter;
        this.lines = new Utf8Lines(in);
        readHeader();
    }

    private void readHeader() {
        Utf8Lines.Line first;
        do {
            first = lines.next();
        } while (first != null && first.text().isBlank());
        if (first == null) {
            return; // an empty file has no rows
        }
        Parsed header = parse(first);
        if (header.error != null || !header.validUtf8) {
            throw new IllegalArgumentException(file + ":" + first.number() + ": unreadable header ("
                    + (header.error != null ? header.error : "invalid UTF-8") + ")");
        }
        Set<String> seen = new HashSet<>();
        for (String name : header.cells) {
            String trimmed = name.strip();
            if (trimmed.isEmpty() || !seen.add(trimmed)) {
                throw new IllegalArgumentException(file + ":" + first.number() + ": header has an empty or repeated column name '"
                        + trimmed + "'");
            }
            headerPaths.add(trimmed.split("\\.", -1));
        }
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            Utf8Lines.Line line = lines.next();
            if (line == null) {
                return false;
            }
            if (!line.text().isBlank()) {
                next = toRecord(line.number(), parse(line));
            }
        }
        return true;
    }

    private RawRecord toRecord(long lineNumber, Parsed p) {
        Location at = Location.line(file, lineNumber);
        if (!p.validUtf8) {
            return new BadRow(at, BadRowReason.INVALID_UTF8, "the record is not valid UTF-8");
        }
        if (p.error != null) {
            return new BadRow(at, BadRowReason.MALFORMED_CSV, p.error);
        }
        if (p.cells.size() != headerPaths.size()) {
            return new BadRow(at, BadRowReason.MALFORMED_CSV, p.cells.size() + " fields, the header has "
                    + headerPaths.size());
        }
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < headerPaths.size(); i++) {
            String[] path = headerPaths.get(i);
            ObjectNode parent = row;
            for (int k = 0; k < path.length - 1; k++) {
                parent = parent.get(path[k]) instanceof ObjectNode o ? o : parent.putObject(path[k]);
            }
            parent.put(path[path.length - 1], p.cells.get(i));
        }
        return new RawRow(at, row);
    }

    /** A record's cells, whether all its lines were valid UTF-8, and a syntax error if any. */
    private static final class Parsed {
        final List<String> cells = new ArrayList<>();
        boolean validUtf8 = true;
        String error;
    }

    /** Parses one record starting at {@code first}, pulling further lines while inside quotes. */
    private Parsed parse(Utf8Lines.Line first) {
        Parsed p = new Parsed();
        p.validUtf8 = first.validUtf8();
        StringBuilder cell = new StringBuilder();
        String text = first.text();
        int i = 0;
        boolean cellStart = true;
        boolean inQuotes = false;
        boolean afterClosingQuote = false;
        while (true) {
            if (i == text.length()) {
                if (!inQuotes) {
                    p.cells.add(cell.toString());
                    return p;
                }
                Utf8Lines.Line more = lines.next();
                if (more == null) {
                    p.error = "a quoted field opened on line " + first.number() + " is never closed";
                    p.cells.add(cell.toString());
                    return p;
                }
                p.validUtf8 &= more.validUtf8();
                cell.append('\n');
                text = more.text();
                i = 0;
                continue;
            }
            char c = text.charAt(i++);
            if (inQuotes) {
                if (c != '"') {
                    cell.append(c);
                } else if (i < text.length() && text.charAt(i) == '"') {
                    cell.append('"');
                    i++;
                } else {
                    inQuotes = false;
                    afterClosingQuote = true;
                }
            } else if (c == delimiter) {
                p.cells.add(cell.toString());
                cell.setLength(0);
                cellStart = true;
                afterClosingQuote = false;
            } else if (c == '"' && cellStart) {
                inQuotes = true;
                cellStart = false;
            } else {
                if (afterClosingQuote && p.error == null) {
                    p.error = "text after the closing quote of field " + (p.cells.size() + 1);
                }
                cell.append(c);
                cellStart = false;
            }
        }
    }

    @Override
    public RawRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawRecord r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        lines.close();
    }
}
