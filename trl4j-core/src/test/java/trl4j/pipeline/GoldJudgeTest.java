package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoldJudgeTest {

    final GoldJudge judge = new GoldJudge();

    @Test
    void scoreIsRougeLMinusTheLengthPenalty() {
        String ref = "library for parsing JSON files";
        assertEquals(1.0, judge.score(ref, ref), 1e-12);
        // LCS 3 ("library for parsing") of 4 predicted and 5 reference words: P 3/4, R 3/5, F1 = 2/3.
        assertEquals(2.0 / 3.0, judge.score("library for parsing XML", ref), 1e-12);
        // 12 words against 5: 12 − 5 − 3 = 4 excess words → −0.12. LCS is the whole reference: P 5/12, R 1.
        String padded = "library for parsing JSON files and many other things you may want";
        double f1 = 2 * (5.0 / 12) * 1.0 / (5.0 / 12 + 1.0);
        assertEquals(f1 - 0.12, judge.score(padded, ref), 1e-12);
    }

    @Test
    void preferenceHasTiesAndUsesTheBestReference() {
        List<String> refs = List.of("tool to convert images", "image converter");
        assertEquals(1, judge.prefer("image converter", "a database server", refs));
        assertEquals(-1, judge.prefer("a database server", "tool to convert images", refs));
        assertEquals(0, judge.prefer("tool to convert images", "tool to convert images", refs));
    }
}
