package trl4j.data;

/**
 * How to read a data file: its schema (null: detect from the first readable row), explicit field
 * names (which imply {@link Schema#FIELDS}), the bad-row policy, and whether SciTLDR gives one SFT
 * example per target (default) or only the first.
 */
public record ReadOptions(Schema schema, FieldMapping fields, BadRowPolicy onBadRow, boolean allTargets) {

    public ReadOptions {
        if (fields != null) {
            if (schema != null && schema != Schema.FIELDS) {
                throw new IllegalArgumentException("give either --format " + schema.formatName() + " or field names, not both");
            }
            schema = Schema.FIELDS;
        } else if (schema == Schema.FIELDS) {
            throw new IllegalArgumentException("format 'fields' needs --prompt-field and --completion-field"
                    + " (or --chosen-field and --rejected-field)");
        }
        if (onBadRow == null) {
            onBadRow = BadRowPolicy.SKIP;
        }
    }

    /** Detect the schema, skip and count bad rows, all SciTLDR targets. */
    public static ReadOptions defaults() {
        return new ReadOptions(null, null, BadRowPolicy.SKIP, true);
    }

    public ReadOptions withSchema(Schema s) {
        return new ReadOptions(s, null, onBadRow, allTargets);
    }

    /** These options with the schema fixed (kept as is when explicit field names are given). */
    public ReadOptions withSchemaKept(Schema s) {
        return fields != null ? this : withSchema(s);
    }

    public ReadOptions withFields(FieldMapping f) {
        return new ReadOptions(null, f, onBadRow, allTargets);
    }

    public ReadOptions withOnBadRow(BadRowPolicy p) {
        return new ReadOptions(schema, fields, p, allTargets);
    }

    public ReadOptions withAllTargets(boolean all) {
        return new ReadOptions(schema, fields, onBadRow, all);
    }
}
