package trl4j.train.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Collation worked by hand: padding, the label shift, completion-only targets, shift_right. */
class SftBatchTest {

    static final long PAD = 0;
    static final long EOS = 1;

    @Test
    void causalBatchesPredictCompletionTokensFromThePositionBefore() {
        var rows = List.of(new SftEncoder.Example(new long[] {5, 6}, new long[] {7, EOS}),
                new SftEncoder.Example(new long[] {8}, new long[] {9, EOS}));
        SftBatch b = SftBatch.causal(rows, PAD, true);
        assertEquals(2, b.rows());
        assertEquals(4, b.length());
        assertArrayEquals(new long[] {5, 6, 7, EOS, 8, 9, EOS, PAD}, b.inputIds());
        // Row 0: position 1 (token 6) predicts 7, position 2 predicts EOS; row 1 starts at 4: 4 → 9, 5 → EOS.
        assertArrayEquals(new long[] {1, 2, 4, 5}, b.positions());
        assertArrayEquals(new long[] {7, EOS, 9, EOS}, b.targets());
        assertEquals(7, b.tokens());
        assertNull(b.decoderInputIds());
        assertNull(b.attentionMask(), "right padding after the last real token needs no mask in a causal model");
    }

    @Test
    void withoutCompletionOnlyLossEveryNextTokenIsATarget() {
        var rows = List.of(new SftEncoder.Example(new long[] {5, 6}, new long[] {7, EOS}),
                new SftEncoder.Example(new long[] {8}, new long[] {9, EOS}));
        SftBatch b = SftBatch.causal(rows, PAD, false);
        assertArrayEquals(new long[] {0, 1, 2, 4, 5}, b.positions());
        assertArrayEquals(new long[] {6, 7, EOS, 9, EOS}, b.targets());
    }

    @Test
    void seq2seqBatchesShiftTheCompletionRightForTheDecoder() {
        long start = 0;
        var rows = List.of(new SftEncoder.Example(new long[] {5, 6, EOS}, new long[] {7, EOS}),
                new SftEncoder.Example(new long[] {8, EOS}, new long[] {9, 10, EOS}));
        SftBatch b = SftBatch.seq2seq(rows, PAD, start);
        assertEquals(3, b.length());
        assertArrayEquals(new long[] {5, 6, EOS, 8, EOS, PAD}, b.inputIds());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 0}, b.attentionMask());
        assertEquals(3, b.decoderLength());
        // HF _shift_right: [start, labels[:-1]], −100 (padding) → pad.
        assertArrayEquals(new long[] {start, 7, EOS, start, 9, 10}, b.decoderInputIds());
        assertArrayEquals(new long[] {0, 1, 3, 4, 5}, b.positions());
        assertArrayEquals(new long[] {7, EOS, 9, 10, EOS}, b.targets());
        assertEquals(10, b.tokens());
    }
}
