package trl4j.data;

import java.util.Objects;

/** A row that could not be used, with where it is and why. */
public record BadRow(Location location, BadRowReason reason, String detail) implements RawRecord {

    public BadRow {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** One line naming file, line and problem, e.g. {@code a.jsonl:7: missing field: no 'completion'}. */
    public String message() {
        return location + ": " + reason.label() + ": " + detail;
    }
}
