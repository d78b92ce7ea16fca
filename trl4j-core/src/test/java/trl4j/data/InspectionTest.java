package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectionTest {

    @TempDir
    Path dir;

    @Test
    void reportsSchemaCountsLengthsAndExamples() throws IOException {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"prompt\": \"one two three\\nTL;DR:\", \"completion\": \" a b\"}",
                "{\"prompt\": \"four five\\nTL;DR:\", \"completion\": \"\"}",
                "not json",
                "{\"prompt\": \"six seven eight nine\\nTL;DR:\", \"completion\": \" c d e f\"}"));
        Inspection in = Inspection.of(file, ReadOptions.defaults(), null, 2);
        assertEquals(Schema.PROMPT_COMPLETION, in.schema());
        assertEquals(4, in.summary().read());
        assertEquals(2, in.summary().kept());
        assertEquals(2, in.examples().size());
        assertEquals(" a b", in.examples().get(0).get("completion"));
        // prompt words: "one two three TL;DR:" = 4 and "six seven eight nine TL;DR:" = 5
        assertEquals(4.5, in.words().get("prompt").mean());
        assertEquals(5, in.words().get("prompt").max());
        assertEquals(3.0, in.words().get("completion").mean());
        assertTrue(in.tokens().isEmpty());
        List<String> lines = in.lines();
        assertEquals("format:   prompt-completion (prompt/completion pairs)", lines.get(1));
        assertEquals("rows:     4 rows read, 2 kept, 2 skipped (1 malformed JSON, 1 empty text)", lines.get(2));
        assertEquals("  bad:    " + file + ":2: empty text: 'completion' is empty", lines.get(3));
    }
}
