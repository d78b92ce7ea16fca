package trl4j.data;

import java.util.Iterator;

/**
 * Streams the rows of one data file, one at a time (a large file is never held whole). Recoverable
 * problems come back as {@link BadRow}s; a file that cannot be read on (a broken JSON array, a
 * Parquet error) throws {@link IllegalArgumentException} naming file and position.
 */
public interface RowReader extends Iterator<RawRecord>, AutoCloseable {
    @Override
    void close();
}
