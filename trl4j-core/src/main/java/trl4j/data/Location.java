package trl4j.data;

/**
 * Where a row comes from: a file and a 1-based line number (text formats) or row number (Parquet),
 * printed the way editors and compilers do ({@code file:12}).
 */
public record Location(String file, long number, Unit unit) {

    /** What {@link #number} counts. */
    public enum Unit { LINE, ROW }

    public Location {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("file must be named");
        }
        if (number < 1) {
            throw new IllegalArgumentException("number is 1-based, got " + number);
        }
    }

    public static Location line(String file, long line) {
        return new Location(file, line, Unit.LINE);
    }

    public static Location row(String file, long row) {
        return new Location(file, row, Unit.ROW);
    }

    @Override
    public String toString() {
        return unit == Unit.LINE ? file + ":" + number : file + ": row " + number;
    }
}
