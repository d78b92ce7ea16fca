package trl4j.eval.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import trl4j.eval.rouge.RougeType;

class LeadBaselinesTest {

    @Test
    void leadTakesTheFirstKWords() {
        assertEquals("a b c", LeadBaselines.lead(" a  b\nc d e", 3));
        assertEquals("a b", LeadBaselines.lead("a b", 10));
    }

    @Test
    void firstSentenceEndsBeforeACapitalOrDigitAndStaysInTheFirstParagraph() {
        assertEquals("0 A.D. (pronounced \"zero ey-dee\") is a game of 500 B.C. and 500 A.D.",
                LeadBaselines.firstSentence("0 A.D. (pronounced \"zero ey-dee\") is a game of 500 B.C. and 500 A.D. The project"
                        + " is ambitious."));
        assertEquals("No sentence end here", LeadBaselines.firstSentence("No sentence end here\nSecond. Paragraph."));
        assertEquals("It works!", LeadBaselines.firstSentence("It works! 3 times."));
    }

    @Test
    void scoresAreMeansOverExamplesComputedByHand() {
        // doc 1: lead-2 "fast json" vs "fast json parser": P = 2/2, R = 2/3, F = 0.8 (ROUGE-1);
        // doc 2: lead-2 "tiny web" vs "web server": P = 1/2, R = 1/2, F = 0.5. Mean F = 0.65.
        LeadBaselines.Result r = LeadBaselines.score("lead-2", d -> LeadBaselines.lead(d, 2),
                List.of("fast json parser written in C", "tiny web server for static files"),
                List.of(List.of("fast json parser"), List.of("web server")), false);
        assertEquals(0.65, r.rouge().get(RougeType.ROUGE1).fmeasure(), 1e-15);
        assertEquals((1.0 + 0.5) / 2, r.rouge().get(RougeType.ROUGE1).precision(), 1e-15);
        assertEquals((2.0 / 3 + 0.5) / 2, r.rouge().get(RougeType.ROUGE1).recall(), 1e-15);
        // ROUGE-2: "fast json" matches one of the reference's two bigrams; "tiny web" matches none.
        assertEquals((2 * 1.0 * 0.5 / 1.5 + 0) / 2, r.rouge().get(RougeType.ROUGE2).fmeasure(), 1e-15);
        assertEquals(2.0, r.meanWords());
        assertEquals(2, r.examples());
    }
}
