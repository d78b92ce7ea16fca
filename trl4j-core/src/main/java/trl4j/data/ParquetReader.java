package trl4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.NoSuchElementException;
import java.util.Properties;

/**
 * Parquet through DuckDB's JDBC driver (it bundles its native library). DuckDB turns each row into
 * JSON ({@code to_json}), so nested structs and lists arrive as Jackson trees like the JSON readers';
 * results are streamed in chunks, not materialised. Rows are located by their 1-based row number.
 * A compressed Parquet file ({@code x.parquet.gz}) is first decompressed to a temporary file, since
 * DuckDB reads Parquet by seeking.
 */
final class ParquetReader implements RowReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final Path temporary;
    private final Connection connection;
    private final Statement statement;
    private final ResultSet rows;
    private long rowNumber;
    private RawRecord next;
    private boolean done;

    ParquetReader(Path path, Compression compression) {
        this.file = path.toString();
        Path temp = null;
        Connection c = null;
        try {
            Path readable = path;
            if (compression != Compression.NONE) {
                temp = Files.createTempFile("trl4j-", ".parquet");
                try (InputStream in = Compression.open(path)) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
                readable = temp;
            }
            Properties props = new Properties();
            props.setProperty("jdbc_stream_results", "true");
            c = DriverManager.getConnection("jdbc:duckdb:", props);
            Statement s = c.createStatement();
            String literal = "'" + readable.toAbsolutePath().toString().replace("'", "''") + "'";
            this.rows = s.executeQuery("SELECT to_json(t)::VARCHAR FROM read_parquet(" + literal + ") AS t");
            this.statement = s;
        } catch (SQLException e) {
            closeQuietly(c, temp);
            throw new IllegalArgumentException(file + ": cannot read as Parquet (" + firstLine(e.getMessage()) + ")", e);
        } catch (IOException e) {
            closeQuietly(c, temp);
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        this.connection = c;
        this.temporary = temp;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            if (!rows.next()) {
                done = true;
                return false;
            }
            rowNumber++;
            Location at = Location.row(file, rowNumber);
            JsonNode node = JSON.readTree(rows.getString(1));
            next = node instanceof ObjectNode object ? new RawRow(at, object)
                    : new BadRow(at, BadRowReason.WRONG_TYPE, "the row is not a record");
            return true;
        } catch (SQLException e) {
            throw new IllegalArgumentException(file + ": row " + (rowNumber + 1) + ": cannot read Parquet ("
                    + firstLine(e.getMessage()) + ")", e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(file + ": DuckDB produced invalid JSON at row " + rowNumber, e);
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
        try {
            rows.close();
            statement.close();
        } catch (SQLException e) {
            throw new IllegalStateException(file + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(connection, temporary);
        }
    }

    private static void closeQuietly(Connection c, Path temp) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // closing an in-memory database cannot lose data
        }
        try {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
