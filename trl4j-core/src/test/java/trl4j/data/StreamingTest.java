package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The text readers stream: they read rows from an endless input one at a time (a reader that loaded
 * its file whole would never return), so a 1 GB file costs the memory of one row.
 */
class StreamingTest {

    /** An endless source of generated rows, header first. */
    static final class EndlessRows extends InputStream {
        private final String header;
        private final String rowFormat;
        private byte[] current;
        private int pos;
        private long row;

        EndlessRows(String header, String rowFormat) {
            this.header = header;
            this.rowFormat = rowFormat;
            this.current = header.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int read() {
            if (pos == current.length) {
                row++;
                current = String.format(rowFormat, row, row).getBytes(StandardCharsets.UTF_8);
                pos = 0;
            }
            return current[pos++] & 0xff;
        }
    }

    @Test
    void jsonlRowsComeOneAtATimeFromAnEndlessStream() {
        try (JsonlReader r = new JsonlReader("endless.jsonl",
                new EndlessRows("", "{\"prompt\": \"document %d\", \"completion\": \" summary %d\"}\n"))) {
            for (int i = 1; i <= 100_000; i++) {
                RawRow row = (RawRow) r.next();
                assertEquals(i, row.location().number());
                assertEquals("document " + i, row.fields().get("prompt").asText());
            }
        }
    }

    @Test
    void csvRowsComeOneAtATimeFromAnEndlessStream() {
        try (CsvReader r = new CsvReader("endless.csv", new EndlessRows("prompt,completion\n", "\"doc, %d\",sum %d\n"), ',')) {
            for (int i = 1; i <= 100_000; i++) {
                RawRow row = (RawRow) r.next();
                assertEquals(i + 1, row.location().number());
                assertEquals("doc, " + i, row.fields().get("prompt").asText());
            }
        }
    }

    @Test
    void jsonArrayElementsComeOneAtATimeFromAnEndlessStream() {
        try (JsonArrayReader r = new JsonArrayReader("endless.json",
                new EndlessRows("[\n", "{\"prompt\": \"d%d\", \"completion\": \"s%d\"},\n"))) {
            for (int i = 1; i <= 100_000; i++) {
                RawRow row = (RawRow) r.next();
                assertEquals(i + 1, row.location().number());
                assertEquals("d" + i, row.fields().get("prompt").asText());
            }
        }
    }
}
