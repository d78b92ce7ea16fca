package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows are reported with file and line, counted per reason, skipped by default, fatal with FAIL. */
class BadRowsTest {

    @TempDir
    Path dir;

    /** Lines 1..9 of a JSONL file; line 4 is blank, line 7 holds bytes that are not UTF-8. */
    private Path badJsonl() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String[] lines = {
            "{\"prompt\": \"Doc one.\\nTL;DR:\", \"completion\": \" one\"}",   // 1 good
            "{\"prompt\": \"Doc two.\\nTL;DR:\"}",                             // 2 missing completion
            "{\"prompt\": 42, \"completion\": \" two\"}",                     // 3 wrong type
            "",                                                              // 4 blank: not a row
            "{\"prompt\": \"Doc three.\", \"completion\": \"   \"}",          // 5 empty text
            "{\"prompt\": \"Doc four.\", \"completion\": \"four\"",          // 6 malformed JSON
            null,                                                            // 7 invalid UTF-8
            "[1, 2]",                                                        // 8 not an object
            "{\"prompt\": \"Doc five.\\nTL;DR:\", \"completion\": \"five\"}", // 9 good
        };
        for (String line : lines) {
            if (line == null) {
                b.writeBytes("{\"prompt\": \"caf".getBytes(StandardCharsets.UTF_8));
                b.write(0xC3); // a lead byte followed by ASCII: invalid
                b.writeBytes("\", \"completion\": \"x\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                b.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
            b.write('\n');
        }
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, b.toByteArray());
        return file;
    }

    @Test
    void skipCountsEveryBadRowWithItsLine() throws IOException {
        Path file = badJsonl();
        Datasets.Loaded<PromptCompletion> loaded = Datasets.loadPairs(file, ReadOptions.defaults());
        assertEquals(List.of(new PromptCompletion("Doc one.\nTL;DR:", " one"), new PromptCompletion("Doc five.\nTL;DR:", " five")),
                loaded.rows());
        ReadSummary s = loaded.summary();
        assertEquals(8, s.read());
        assertEquals(2, s.kept());
        assertEquals(6, s.skipped());
        assertEquals(Map.of(BadRowReason.MISSING_FIELD, 1L, BadRowReason.WRONG_TYPE, 2L, BadRowReason.EMPTY_TEXT, 1L,
                BadRowReason.MALFORMED_JSON, 1L, BadRowReason.INVALID_UTF8, 1L), s.skippedByReason());
        assertEquals(file + ": 8 rows read, 2 kept, 6 skipped (1 malformed JSON, 1 invalid UTF-8, 1 missing field,"
                + " 2 wrong type, 1 empty text)", s.line());
        List<String> where = s.firstBadRows().stream().map(r -> r.location().toString()).toList();
        assertEquals(List.of(file + ":2", file + ":3", file + ":5", file + ":6", file + ":7"), where);
        assertEquals(file + ":2: missing field: no 'completion'", s.firstBadRows().get(0).message());
        assertEquals(file + ":3: wrong type: 'prompt' is a number, expected text", s.firstBadRows().get(1).message());
        assertEquals(file + ":5: empty text: 'completion' is empty", s.firstBadRows().get(2).message());
    }

    @Test
    void failStopsAtTheFirstBadLine() throws IOException {
        Path file = badJsonl();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.loadPairs(file, ReadOptions.defaults().withOnBadRow(BadRowPolicy.FAIL)));
        assertEquals(file + ":2: missing field: no 'completion' (bad-row policy: fail)", e.getMessage());
    }

    @Test
    void csvBadRecordsKeepTheirStartingLine() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, String.join("\n",
                "prompt,completion",                       // 1
                "\"Doc, one\nTL;DR:\",\" one\"",           // 2-3 good, quoted line break
                "only one field",                          // 4 wrong field count
                "\"Doc two\" trailing,\" two\"",           // 5 text after closing quote
                "Doc three,\"\"",                          // 6 empty completion
                "\"Doc four, never closed,four",          // 7.. unterminated to the end
                "Doc five,five"), StandardCharsets.UTF_8);
        ReadSummary s = Datasets.loadPairs(file, ReadOptions.defaults()).summary();
        assertEquals(5, s.read());
        assertEquals(1, s.kept());
        List<String> messages = s.firstBadRows().stream().map(BadRow::message).toList();
        assertEquals(List.of(
                file + ":4: malformed CSV: 1 fields, the header has 2",
                file + ":5: malformed CSV: text after the closing quote of field 1",
                file + ":6: empty text: 'completion' is empty",
                file + ":7: malformed CSV: a quoted field opened on line 7 is never closed"), messages);
    }

    @Test
    void jsonArrayElementThatIsNotAnObjectIsABadRow() throws IOException {
        Path file = dir.resolve("rows.json");
        Files.writeString(file, "[\n {\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"},\n \"oops\",\n"
                + " {\"prompt\": \"d\", \"chosen\": \"e\", \"rejected\": \"\"}\n]\n");
        ReadSummary s = Datasets.loadComparisons(file, ReadOptions.defaults()).summary();
        assertEquals(3, s.read());
        assertEquals(1, s.kept());
        assertEquals(file + ":3: wrong type: the element is a JSON string, expected an object", s.firstBadRows().get(0).message());
        assertEquals(file + ":4: empty text: 'rejected' is empty", s.firstBadRows().get(1).message());
    }

    @Test
    void brokenJsonArrayIsFatalWithItsLine() throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "[\n {\"prompt\": \"a\", \"completion\": \"b\"},\n {\"prompt\": \"a\" \"completion\": \"b\"}\n]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.loadPairs(file, ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(file + ":3: malformed JSON"), e.getMessage());
    }

    @Test
    void wrongTaskAndUnknownSchemaAreOneLineErrors() throws IOException {
        Path file = dir.resolve("x.jsonl");
        Files.writeString(file, "{\"question\": \"q\", \"answer\": \"a\"}\n");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Datasets.loadPairs(file, ReadOptions.defaults()));
        assertTrue(unknown.getMessage().startsWith(file + ":1: cannot tell the format from the fields [question, answer]"),
                unknown.getMessage());
        IllegalArgumentException task = assertThrows(IllegalArgumentException.class,
                () -> Datasets.loadComparisons(FixtureFiles.resource("schemas/scitldr.jsonl"), ReadOptions.defaults()));
        assertTrue(task.getMessage().endsWith("format 'scitldr' holds prompt/completion pairs, not comparisons"),
                task.getMessage());
    }

    @Test
    void chatMessagesAreNamedAsUnsupported() throws IOException {
        Path file = dir.resolve("chat.jsonl");
        Files.writeString(file, "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"completion\": \"yo\"}\n");
        ReadSummary s = Datasets.loadPairs(file, ReadOptions.defaults()).summary();
        assertEquals(file + ":1: wrong type: 'prompt' is a list of chat messages; only plain-text prompts are supported",
                s.firstBadRows().get(0).message());
    }

    @Test
    void csvRecordWithInvalidUtf8IsSkippedAndReadingGoesOn() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("prompt,completion\n\"bad ".getBytes(StandardCharsets.UTF_8));
        b.write(0xFF); // never valid in UTF-8
        b.writeBytes("\nstill quoted\",x\ngood,row\n".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("bad-utf8.csv");
        Files.write(file, b.toByteArray());
        Datasets.Loaded<PromptCompletion> loaded = Datasets.loadPairs(file, ReadOptions.defaults());
        assertEquals(List.of(new PromptCompletion("good", "row")), loaded.rows());
        assertEquals(file + ":2: invalid UTF-8: the record is not valid UTF-8", loaded.summary().firstBadRows().get(0).message());
    }

    @Test
    void invalidUtf8InAJsonArrayIsFatalWithItsLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("[\n{\"prompt\": \"a\", \"completion\": \"b\"},\n{\"prompt\": \"".getBytes(StandardCharsets.UTF_8));
        b.write(0xFF);
        b.writeBytes("\", \"completion\": \"d\"}\n]\n".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("bad-utf8.json");
        Files.write(file, b.toByteArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.loadPairs(file, ReadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(file + ":3: invalid UTF-8"), e.getMessage());
    }

    @Test
    void parquetBadRowsAreNamedByRowNumber() throws IOException {
        Path jsonl = dir.resolve("rows.jsonl");
        Files.writeString(jsonl, "{\"prompt\": \"a\", \"completion\": \"b\"}\n{\"prompt\": \"c\", \"completion\": null}\n"
                + "{\"prompt\": \"\", \"completion\": \"f\"}\n");
        Path parquet = FixtureFiles.write(jsonl, Container.PARQUET, Compression.NONE, java.nio.file.Files.createDirectories(dir.resolve("pq")));
        ReadSummary s = Datasets.loadPairs(parquet, ReadOptions.defaults()).summary();
        assertEquals(1, s.kept());
        assertEquals(List.of(parquet + ": row 2: missing field: no 'completion'", parquet + ": row 3: empty text: 'prompt' is empty"),
                s.firstBadRows().stream().map(BadRow::message).toList());
    }
}
