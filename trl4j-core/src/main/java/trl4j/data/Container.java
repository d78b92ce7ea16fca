package trl4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The table formats trl4j reads, recognised by file name (after any compression suffix). */
public enum Container {
    /** One JSON object per line ({@code .jsonl}, {@code .ndjson}; also a {@code .json} that is not an array). */
    JSONL,
    /** A JSON array of objects ({@code .json} starting with {@code [}). */
    JSON,
    CSV,
    TSV,
    PARQUET;

    /** The container of a file, or an {@link IllegalArgumentException} naming the suffixes understood. */
    public static Container of(Path file) {
        String name = Compression.stripSuffix(file.getFileName().toString()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JSONL;
        }
        if (name.endsWith(".json")) {
            // Hugging Face's to_json writes JSON Lines under .json: look at the first character.
            return startsWithArray(file) ? JSON : JSONL;
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".parquet") || name.endsWith(".pq")) {
            return PARQUET;
        }
        throw new IllegalArgumentException(file + ": unknown data format (expected .jsonl, .json, .csv, .tsv or "
                + ".parquet, optionally with .gz, .xz or .zst)");
    }

    /** Opens a streaming reader for a data file of any supported container and compression. */
    public static RowReader open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        Container container = of(file);
        String name = file.toString();
        if (container == PARQUET) {
            return new ParquetReader(file, compressionOf(file));
        }
        InputStream in;
        try {
            in = Compression.open(file);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
        return switch (container) {
            case JSONL -> new JsonlReader(name, in);
            case JSON -> new JsonArrayReader(name, in);
            case CSV -> new CsvReader(name, in, ',');
            case TSV -> new CsvReader(name, in, '\t');
            case PARQUET -> throw new IllegalStateException("handled above");
        };
    }

    private static Compression compressionOf(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(6);
            return Compression.ofMagic(head, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWithArray(Path file) {
        try (InputStream in = Compression.open(file)) {
            int b;
            do {
                b = in.read();
            } while (b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xef || b == 0xbb || b == 0xbf);
            return b == '[';
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
