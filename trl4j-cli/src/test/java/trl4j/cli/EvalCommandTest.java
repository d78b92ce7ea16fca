package trl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    @TempDir
    Path dir;

    /** Hand-computed ROUGE-1: "the cat sat" vs "the cat sat on the mat": P 1, R 1/2; "a dog" vs best of two refs: P 1, R 2/3. */
    @Test
    void rougeJsonIsTheMeanOfHandComputedScores() throws IOException {
        Path preds = dir.resolve("preds.txt");
        Path refs = dir.resolve("refs.jsonl");
        Files.writeString(preds, "the cat sat\na dog\n");
        Files.writeString(refs, "{\"references\": [\"the cat sat on the mat\"]}\n{\"references\": [\"cats\", \"a big dog\"]}\n");
        CliRun r = CliRun.of("eval", "rouge", "--predictions", preds.toString(), "--references", refs.toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        double f1 = 2 * 1.0 * 0.5 / (1.0 + 0.5);
        double f2 = 2 * 1.0 * (2.0 / 3) / (1.0 + 2.0 / 3);
        assertEquals(2, j.get("examples").asInt());
        assertEquals((f1 + f2) / 2, j.get("rouge1").get("fmeasure").asDouble(), 1e-12);
        assertEquals((0.5 + 2.0 / 3) / 2, j.get("rouge1").get("recall").asDouble(), 1e-12);
        assertEquals(1.0, j.get("rougeL").get("precision").asDouble(), 1e-12);
        // bigrams: "the cat", "cat sat" both in ref 1 (P 1, R 2/5); "a dog" is not a bigram of "a big dog" (0).
        assertEquals((2 * 1.0 * 0.4 / 1.4 + 0) / 2, j.get("rouge2").get("fmeasure").asDouble(), 1e-12);
    }

    @Test
    void tableAndMismatchedCounts() throws IOException {
        Path preds = dir.resolve("p.txt");
        Path refs = dir.resolve("r.txt");
        Files.writeString(preds, "same text\n");
        Files.writeString(refs, "same text\n");
        CliRun ok = CliRun.of("eval", "rouge", "--predictions", preds.toString(), "--references", refs.toString(), "--no-stemmer");
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().startsWith("1 examples, Porter stemmer off\n"), ok.out());
        assertTrue(ok.out().contains("rouge1         1.0000     1.0000     1.0000"), ok.out());
        Files.writeString(refs, "same text\nanother\n");
        CliRun bad = CliRun.of("eval", "rouge", "--predictions", preds.toString(), "--references", refs.toString());
        assertEquals(1, bad.exitCode());
        assertEquals("trl4j: error: " + preds + " has 1 rows but " + refs + " has 2\n", bad.err());
    }
}
