package trl4j.data.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each negative kind's defining property, the rotation of kinds, and determinism. */
class HardNegativesTest {

    private static final String DOC = String.join(" ", java.util.Collections.nCopies(8,
            "the quick brown fox jumps over the lazy dog")); // 72 words

    private static List<DebianRow> rows() {
        List<DebianRow> rows = new ArrayList<>();
        String[][] spec = {
            {"python3-alpha", "g1", "library for parsing alpha files quickly"},
            {"python3-beta", "g2", "beta testing helpers for Python programs"},
            {"python3-gamma", "g3", "gamma ray spectrum analysis toolkit"},
            {"zsh-doc", "g4", "documentation for the Z shell"},
            {"zsh-common", "g4", "architecture independent files for Zsh"},
            {"python3-delta", "g5", "delta encoding of binary files"},
        };
        for (String[] s : spec) {
            rows.add(new DebianRow(s[0], s[0], s[1], s[0] + " " + DOC, s[2]));
        }
        return rows;
    }

    @Test
    void kindsRotateAndEachHasItsProperty() {
        List<DebianRow> rows = rows();
        HardNegatives negatives = new HardNegatives(rows);
        NegativeKind[] expected = {NegativeKind.RELATED_SYNOPSIS, NegativeKind.DROPPED_WORDS, NegativeKind.DUPLICATED_WORDS,
            NegativeKind.SHUFFLED_WORDS, NegativeKind.LEAD_COPY, NegativeKind.RELATED_SYNOPSIS};
        for (int i = 0; i < rows.size(); i++) {
            DebianRow row = rows.get(i);
            HardNegatives.Negative n = negatives.make(i);
            assertEquals(expected[i], n.kind(), row.id());
            assertNotEquals(row.summary(), n.text());
            List<String> words = Arrays.asList(HardNegatives.words(row.summary()));
            List<String> got = Arrays.asList(HardNegatives.words(n.text()));
            switch (n.kind()) {
                case RELATED_SYNOPSIS -> {
                    DebianRow other = rows.stream().filter(r -> r.summary().equals(n.text())).findFirst().orElseThrow();
                    assertNotEquals(row.group(), other.group());
                    assertEquals(HardNegatives.prefix(row.packageName()), HardNegatives.prefix(other.packageName()));
                }
                case DROPPED_WORDS -> {
                    assertEquals(words.size() - Math.round(words.size() / 3.0f), got.size());
                    assertTrue(isSubsequence(got, words));
                }
                case DUPLICATED_WORDS -> {
                    assertEquals(words.size() + (words.size() < 6 ? 1 : 2), got.size());
                    assertTrue(isSubsequence(words, got));
                }
                case SHUFFLED_WORDS -> assertEquals(sorted(words), sorted(got));
                case LEAD_COPY -> assertEquals(Arrays.asList(HardNegatives.words(row.document())).subList(0, 25), got);
            }
        }
    }

    @Test
    void relatedFallsBackToANeighbourInAnotherGroup() {
        // zsh-doc's only same-prefix package is in its own group: the nearest other-group row is used.
        List<DebianRow> rows = rows();
        HardNegatives negatives = new HardNegatives(rows);
        List<DebianRow> rotated = new ArrayList<>(rows);
        java.util.Collections.rotate(rotated, 2); // puts zsh-doc at index 5, a RELATED_SYNOPSIS slot
        HardNegatives.Negative n = new HardNegatives(rotated).make(5);
        assertEquals(NegativeKind.RELATED_SYNOPSIS, n.kind());
        assertEquals(rotated.get(4).summary(), n.text());
        assertEquals(negatives.make(0), new HardNegatives(rows()).make(0)); // deterministic
    }

    private static boolean isSubsequence(List<String> small, List<String> big) {
        int j = 0;
        for (String w : big) {
            if (j < small.size() && small.get(j).equals(w)) {
                j++;
            }
        }
        return j == small.size();
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }
}
