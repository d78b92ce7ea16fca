package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.data.Comparison;

/** Comparisons made from scored candidates and from SciTLDR rows, worked out by hand. */
class ScoredPairsTest {

    static final String PROMPT = "A long document.\nTL;DR:";

    @Test
    void candidatesArePairedByScoreTiesSkipped() {
        ScoredPairs.Tally tally = new ScoredPairs.Tally();
        // a:3, b:1, c:3, d:2 → order a(3) c(3) d(2) b(1); a~c tie skipped; 5 pairs
        List<Comparison> out = ScoredPairs.byScore(PROMPT, List.of("a", "b", "c", "d"), List.of(3.0, 1.0, 3.0, 2.0), 0, 0,
                "scored", tally);
        assertEquals(5, out.size());
        assertEquals(1, tally.ties());
        // largest gaps first: a>b (2), c>b (2), a>d (1), c>d (1), d>b (1)
        assertEquals(List.of(" a> b", " c> b", " a> d", " c> d", " d> b"),
                out.stream().map(c -> c.chosen() + ">" + c.rejected()).toList());
        assertTrue(out.stream().allMatch(c -> c.prompt().equals(PROMPT) && c.kind().equals("scored")));
    }

    @Test
    void gapThresholdCapAndIdenticalTexts() {
        ScoredPairs.Tally tally = new ScoredPairs.Tally();
        // order a(3) d(2) b(1) a'(0); gaps must exceed 1: a>b (2) and d>a' (2) are made, a>a' (3) has the
        // same text (identical), a~d, d~b, b~a' are too close; the cap keeps one pair (a>b, first of the equal gaps)
        List<Comparison> out = ScoredPairs.byScore(PROMPT, List.of("a", "b", "a ", "d"), List.of(3.0, 1.0, 0.0, 2.0), 1.0, 1,
                "k", tally);
        assertEquals(1, out.size());
        assertEquals(" a", out.get(0).chosen());
        assertEquals(" b", out.get(0).rejected());
        assertEquals(3, tally.ties());
        assertEquals(1, tally.identical());
        assertEquals(1, tally.capped());
        assertEquals(1, tally.pairs());
    }

    @Test
    void sciTldrPairsEachTargetWithTheClosestSentences() {
        ScoredPairs.Tally tally = new ScoredPairs.Tally();
        List<String> source = List.of("We study X.", "Our method beats Y on Z.", "Related work is large.", "X is hard.");
        List<Integer> labels = List.of(0, 1, 0, 0);
        List<Double> rouge = List.of(0.2, 0.5, 0.1, 0.3);
        List<String> targets = List.of("A method that beats Y on Z.", "X made easy.");
        List<Comparison> out = ScoredPairs.sciTldr(source, labels, rouge, targets, 2, tally);
        assertEquals(4, out.size());
        String prompt = "We study X. Our method beats Y on Z. Related work is large. X is hard.\nTL;DR:";
        // oracle (label 1) first, then by ROUGE: sentence 1, sentence 3 (0.3), sentence 0 (0.2), ...
        assertEquals(new Comparison(prompt, " A method that beats Y on Z.", " Our method beats Y on Z.", "oracle_sentence"), out.get(0));
        assertEquals(new Comparison(prompt, " A method that beats Y on Z.", " X is hard.", "source_sentence"), out.get(1));
        assertEquals(new Comparison(prompt, " X made easy.", " Our method beats Y on Z.", "oracle_sentence"), out.get(2));
        assertEquals(" X is hard.", out.get(3).rejected());
        assertEquals(4, tally.pairs());
    }

    @Test
    void sciTldrSkipsASentenceEqualToTheTarget() {
        ScoredPairs.Tally tally = new ScoredPairs.Tally();
        List<Comparison> out = ScoredPairs.sciTldr(List.of("Same text.", "Other."), List.of(1, 0), null,
                List.of("Same text."), 1, tally);
        assertEquals(1, tally.identical());
        assertEquals(" Other.", out.get(0).rejected());
    }

    @Test
    void filesAreReadWithCountsAndBadRowsNamed(@TempDir Path tmp) throws Exception {
        Path scored = tmp.resolve("scored.jsonl");
        Files.writeString(scored, """
                {"prompt": "Doc one.\\nTL;DR:", "completions": ["good", "bad", "meh"], "scores": [2, 0, 1]}
                {"prompt": "Doc two.\\nTL;DR:", "completions": ["x", "y"], "scores": [1, 1]}
                {"prompt": "Doc three.\\nTL;DR:", "completions": ["x"], "scores": "oops"}
                """);
        ScoredPairs.Built b = ScoredPairs.readScored(scored, 0, 0);
        assertEquals(3, b.comparisons().size());
        assertEquals(1, b.tally().ties());
        assertEquals(1, b.tally().badRows());
        assertTrue(b.tally().line("f").contains("first: " + scored + ":3"), b.tally().line("f"));

        Path sci = tmp.resolve("scitldr.jsonl");
        Files.writeString(sci, """
                {"paper_id": "p1", "source": ["S one.", "S two."], "source_labels": [0, 1], "rouge_scores": [0.1, 0.4], "target": ["T."]}
                """);
        RewardMethod m = RewardMethod.DEFAULTS;
        ComparisonFiles.Loaded loaded = ComparisonFiles.load(sci, null, m);
        assertEquals(1, loaded.comparisons().size());
        assertEquals(" S two.", loaded.comparisons().get(0).rejected());
        assertEquals("oracle_sentence", loaded.comparisons().get(0).kind());

        Path empty = tmp.resolve("ties.jsonl");
        Files.writeString(empty, "{\"prompt\": \"p\", \"completions\": [\"a\", \"b\"], \"scores\": [1, 1]}\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ComparisonFiles.load(empty, "scored", m));
        assertTrue(e.getMessage().contains("no comparison could be made"), e.getMessage());
    }
}
