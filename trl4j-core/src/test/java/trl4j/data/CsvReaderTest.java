package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4180 details: quotes, doubled quotes, line breaks in cells, CRLF, a byte-order mark, TSV. */
class CsvReaderTest {

    private static List<RawRecord> read(String text, char delimiter) {
        List<RawRecord> out = new ArrayList<>();
        try (CsvReader r = new CsvReader("t.csv", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), delimiter)) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void quotedFieldsWithCommasQuotesAndLineBreaks() {
        String csv = "\uFEFFid,text,info.title\r\n"
                + "1,\"He said \"\"hi\"\", then left\",plain\r\n"
                + "2,\"line one\r\nline two\n\nline four\",\"\"\r\n"
                + "\r\n"
                + "3,,\"a,b\"\r\n";
        List<RawRecord> rows = read(csv, ',');
        assertEquals(3, rows.size());
        RawRow r1 = (RawRow) rows.get(0);
        assertEquals("He said \"hi\", then left", r1.fields().get("text").asText());
        assertEquals("plain", r1.fields().get("info").get("title").asText());
        assertEquals(2, r1.location().number());
        RawRow r2 = (RawRow) rows.get(1);
        assertEquals("line one\nline two\n\nline four", r2.fields().get("text").asText());
        assertEquals("", r2.fields().get("info").get("title").asText());
        assertEquals(3, r2.location().number());
        RawRow r3 = (RawRow) rows.get(2);
        assertEquals(8, r3.location().number());
        assertEquals("a,b", r3.fields().get("info").get("title").asText());
        assertEquals("1", r1.fields().get("id").asText());
    }

    @Test
    void tabSeparatedKeepsCommasAndQuotesInsideCells() {
        List<RawRecord> rows = read("prompt\tcompletion\nIt's 5\" long, ok?\t\"quoted\ttab\"\n", '\t');
        RawRow r = (RawRow) rows.get(0);
        assertEquals("It's 5\" long, ok?", r.fields().get("prompt").asText());
        assertEquals("quoted\ttab", r.fields().get("completion").asText());
    }
}
