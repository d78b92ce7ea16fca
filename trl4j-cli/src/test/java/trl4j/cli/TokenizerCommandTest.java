package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.tokenizer.Tokenizer;

class TokenizerCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainsWritesLoadableFilesAndReportsTokensPerText() throws IOException {
        Path text = dir.resolve("corpus.txt");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            b.append("the package provides tools for parsing files number ").append(i).append('\n');
        }
        Files.writeString(text, b);
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"prompt\": \"a document\\nTL;DR:\", \"completion\": \" a summary\"}\n");
        Path out = dir.resolve("tok");
        CliRun r = CliRun.of("tokenizer", "train", "--input", text.toString(), pairs.toString(), "--vocab-size", "300",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("trained on 202 texts"), r.out());
        // 300 = 3 special + 256 byte tokens + one new token per merge
        assertTrue(r.out().contains(": vocab 300, 41 merges"), r.out());
        assertTrue(r.out().contains(pairs + ": "), r.out());
        try (Tokenizer tok = Tokenizer.load(out)) {
            assertEquals(300, tok.vocabSize());
            assertEquals(1, tok.eosId());
            String s = "the package provides tools";
            assertEquals(s, tok.decode(tok.encode(s, false), false));
        }
    }
}
