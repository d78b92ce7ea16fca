package trl4j.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One row's fields as read from a container, before any schema is applied. CSV cells are strings
 * (dotted headers such as {@code info.post} become nested objects); JSON and Parquet keep their types.
 */
public record RawRow(Location location, ObjectNode fields) implements RawRecord {
    public RawRow {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(fields, "fields");
    }
}
