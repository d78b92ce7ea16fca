package trl4j.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Writes the JSONL fixtures of {@code src/test/resources/data} in the other containers and
 * compressions: a pretty-printed JSON array, CSV/TSV as pandas writes them (nested objects as dotted
 * columns, lists as JSON text), Parquet through DuckDB, then gzip, xz or zstd.
 */
final class FixtureFiles {

    static final ObjectMapper JSON = new ObjectMapper();

    private FixtureFiles() {}

    static Path resource(String relative) {
        try {
            return Path.of(FixtureFiles.class.getResource("/data/" + relative).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource data/" + relative, e);
        }
    }

    static List<ObjectNode> readJsonl(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                out.add((ObjectNode) JSON.readTree(line));
            }
        }
        return out;
    }

    /** Writes {@code jsonl} as {@code dir/name.<container>[.gz|.xz|.zst]}. */
    static Path write(Path jsonl, Container container, Compression compression, Path dir) throws IOException {
        String base = jsonl.getFileName().toString().replace(".jsonl", "");
        Path plain = dir.resolve(base + "." + container.name().toLowerCase(java.util.Locale.ROOT));
        List<ObjectNode> rows = readJsonl(jsonl);
        switch (container) {
            case JSONL -> Files.copy(jsonl, plain);
            case JSON -> JSON.writerWithDefaultPrettyPrinter().writeValue(plain.toFile(), rows);
            case CSV -> Files.writeString(plain, delimited(rows, ','), StandardCharsets.UTF_8);
            case TSV -> Files.writeString(plain, delimited(rows, '\t'), StandardCharsets.UTF_8);
            case PARQUET -> parquet(jsonl, plain);
        }
        return compress(plain, compression);
    }

    static Path compress(Path plain, Compression compression) throws IOException {
        if (compression == Compression.NONE) {
            return plain;
        }
        Path out = plain.resolveSibling(plain.getFileName() + compression.suffix());
        try (InputStream in = Files.newInputStream(plain); OutputStream os = compressor(compression, Files.newOutputStream(out))) {
            in.transferTo(os);
        }
        return out;
    }

    private static OutputStream compressor(Compression c, OutputStream raw) throws IOException {
        return switch (c) {
            case GZIP -> new GZIPOutputStream(raw);
            case XZ -> new XZOutputStream(raw, new LZMA2Options());
            case ZSTD -> new ZstdOutputStream(raw);
            case NONE -> raw;
        };
    }

    private static void parquet(Path jsonl, Path out) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_json('" + jsonl.toAbsolutePath() + "', format = 'newline_delimited'))"
                    + " TO '" + out.toAbsolutePath() + "' (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IOException("DuckDB could not write " + out + ": " + e.getMessage(), e);
        }
    }

    /** CSV/TSV with a header; cells quoted when they hold the delimiter, a quote or a line break. */
    static String delimited(List<ObjectNode> rows, char delimiter) {
        List<Map<String, String>> flat = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        for (ObjectNode row : rows) {
            Map<String, String> cells = new java.util.LinkedHashMap<>();
            flatten("", row, cells);
            columns.addAll(cells.keySet());
            flat.add(cells);
        }
        StringBuilder b = new StringBuilder();
        appendRecord(b, new ArrayList<>(columns), delimiter);
        for (Map<String, String> cells : flat) {
            List<String> record = new ArrayList<>();
            columns.forEach(col -> record.add(cells.getOrDefault(col, "")));
            appendRecord(b, record, delimiter);
        }
        return b.toString();
    }

    private static void flatten(String prefix, ObjectNode node, Map<String, String> out) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(name + ".", (ObjectNode) v, out);
            } else if (v.isArray()) {
                out.put(name, v.toString());
            } else if (!v.isNull()) {
                out.put(name, v.asText());
            }
        }
    }

    private static void appendRecord(StringBuilder b, List<String> cells, char delimiter) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(delimiter);
            }
            String cell = cells.get(i);
            if (cell.indexOf(delimiter) >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                b.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                b.append(cell);
            }
        }
        b.append("\r\n"); // CRLF, as RFC 4180 and Python's csv module write
    }
}
