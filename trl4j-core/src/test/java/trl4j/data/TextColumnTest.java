package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextColumnTest {

    @TempDir
    Path dir;

    @Test
    void plainLinesKeepBlankLinesAsEmptyTexts() throws IOException {
        Path file = dir.resolve("p.txt");
        Files.writeString(file, "first\n\nthird\n");
        assertEquals(List.of(List.of("first"), List.of(""), List.of("third")), TextColumn.read(file, null, List.of()));
    }

    @Test
    void dataFileFieldMayHoldOneTextOrAList() throws IOException {
        Path file = dir.resolve("r.jsonl");
        Files.writeString(file, "{\"references\": [\"a\", \"b\"]}\n{\"references\": \"[not a list]\"}\n");
        assertEquals(List.of(List.of("a", "b"), List.of("[not a list]")),
                TextColumn.read(file, null, List.of("reference", "references")));
    }

    @Test
    void aMissingFieldNamesFileAndLine() throws IOException {
        Path file = dir.resolve("r.jsonl");
        Files.writeString(file, "{\"summary\": \"a\"}\n{\"other\": \"b\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextColumn.read(file, "summary", List.of()));
        assertEquals(file + ":2: missing field: no 'summary'", e.getMessage());
    }
}
