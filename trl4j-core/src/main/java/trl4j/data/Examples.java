package trl4j.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A stream of typed examples read from one file: rows are read, adapted and counted one at a time,
 * bad rows skipped and counted or, with {@link BadRowPolicy#FAIL}, reported as an
 * {@link IllegalArgumentException} naming file and line. Close it (try-with-resources); the
 * {@link #summary()} is complete once the stream is exhausted.
 */
public final class Examples<T> implements Iterator<T>, Iterable<T>, AutoCloseable {

    private final RowReader reader;
    private final Schema schema;
    private final Function<ObjectNode, List<T>> adapt;
    private final BadRowPolicy policy;
    private final ReadSummary.Tally tally;
    private final Deque<RawRecord> peeked;
    private final Deque<T> ready = new ArrayDeque<>();

    private Examples(RowReader reader, Schema schema, Function<ObjectNode, List<T>> adapt, BadRowPolicy policy,
            ReadSummary.Tally tally, Deque<RawRecord> peeked) {
        this.reader = reader;
        this.schema = schema;
        this.adapt = adapt;
        this.policy = policy;
        this.tally = tally;
        this.peeked = peeked;
    }

    /**
     * Opens a file for one task: detects the schema from the first readable row unless the options
     * name one, and checks that the schema has that task's rows.
     */
    static <T> Examples<T> open(Path file, ReadOptions options, Schema.Task task,
            Function<SchemaAdapter, Function<ObjectNode, List<T>>> output) {
        RowReader reader = Container.open(file);
        try {
            Deque<RawRecord> peeked = new ArrayDeque<>();
            Schema schema = options.schema();
            if (schema == null) {
                schema = detect(file, reader, peeked);
            }
            Schema.Task has = schema.task(options.fields());
            if (has != task) {
                throw new IllegalArgumentException(file + ": format '" + schema.formatName() + "' holds "
                        + (has == Schema.Task.PAIRS ? "prompt/completion pairs" : "comparisons (prompt, chosen, rejected)")
                        + ", not " + (task == Schema.Task.PAIRS ? "prompt/completion pairs" : "comparisons"));
            }
            SchemaAdapter adapter = SchemaAdapter.of(schema, options);
            return new Examples<>(reader, schema, output.apply(adapter), options.onBadRow(),
                    new ReadSummary.Tally(file.toString()), peeked);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    static Schema detect(Path file, RowReader reader, Deque<RawRecord> peeked) {
        while (reader.hasNext()) {
            RawRecord r = reader.next();
            peeked.add(r);
            if (r instanceof RawRow row) {
                Schema s = Schema.detect(row.fields());
                if (s == null) {
                    throw new IllegalArgumentException(row.location() + ": cannot tell the format from the fields "
                            + fieldNames(row.fields()) + "; give --format or --prompt-field with --completion-field"
                            + " (or --chosen-field and --rejected-field)");
                }
                return s;
            }
        }
        String why = peeked.isEmpty() ? "the file has no rows"
                : "no row could be read (first problem: " + ((BadRow) peeked.getFirst()).message() + ")";
        throw new IllegalArgumentException(file + ": cannot detect the format: " + why);
    }

    private static String fieldNames(ObjectNode row) {
        Iterable<String> names = row::fieldNames;
        return java.util.stream.StreamSupport.stream(names.spliterator(), false).collect(Collectors.joining(", ", "[", "]"));
    }

    public Schema schema() {
        return schema;
    }

    /** Counts so far; final once {@link #hasNext()} returned false. */
    public ReadSummary summary() {
        return tally.summary(schema);
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty()) {
            RawRecord r = !peeked.isEmpty() ? peeked.poll() : reader.hasNext() ? reader.next() : null;
            if (r == null) {
                return false;
            }
            if (r instanceof RawRow row) {
                try {
                    List<T> out = adapt.apply(row.fields());
                    tally.kept(out.size());
                    ready.addAll(out);
                    continue;
                } catch (BadRowException e) {
                    r = e.at(row.location());
                }
            }
            BadRow bad = (BadRow) r;
            if (policy == BadRowPolicy.FAIL) {
                throw new IllegalArgumentException(bad.message() + " (bad-row policy: fail)");
            }
            tally.skipped(bad);
        }
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    /** Iterates this stream itself (once). */
    @Override
    public Iterator<T> iterator() {
        return this;
    }

    @Override
    public void close() {
        reader.close();
    }
}
