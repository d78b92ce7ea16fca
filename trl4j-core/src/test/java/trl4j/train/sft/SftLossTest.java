package trl4j.train.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.config.TokenizerSettings.Side;
import trl4j.model.CausalLm;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.model.t5.T5Model;
import trl4j.tensor.GradMode;
import trl4j.tensor.TokenLoss;
import trl4j.tokenizer.Tokenizer;

/**
 * The loss computed on the predicting positions only equals Hugging Face's: full logits, labels with
 * −100 on the prompt and the padding, the causal shift (or T5's shift_right), mean cross-entropy.
 */
class SftLossTest {

    static NDManager manager;
    static Tokenizer tok;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        tok = SftFixtures.tokenizer();
    }

    @AfterAll
    static void tearDown() {
        tok.close();
        manager.close();
    }

    @Test
    void causalLossEqualsTheMaskedFullLogitsLoss() {
        try (LanguageModel model = SftFixtures.preset("micro-gpt2", tok, manager, 5); NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            var examples = new SftEncoder(tok, false, 64, 16, Side.RIGHT).encodeAll(SftFixtures.rows(10, 4));
            for (boolean completionOnly : new boolean[] {true, false}) {
                SftBatch b = SftBatch.causal(examples, 0, completionOnly);
                // HF: labels = input ids, −100 on the prompt (completion-only) and on the padding.
                long[] labels = new long[b.inputIds().length];
                for (int r = 0; r < b.rows(); r++) {
                    SftEncoder.Example e = examples.get(r);
                    for (int t = 0; t < b.length(); t++) {
                        boolean counted = t < e.tokens() && (!completionOnly || t >= e.prompt().length);
                        labels[r * b.length() + t] = counted ? b.inputIds()[r * b.length() + t] : TokenLoss.IGNORE_INDEX;
                    }
                }
                NDArray ids = m.create(b.inputIds(), new Shape(b.rows(), b.length()));
                NDArray[] shifted = TokenLoss.shiftForCausal(((CausalLm) model).logits(ids, null, null, null),
                        m.create(labels, new Shape(b.rows(), b.length())));
                double hf = TokenLoss.meanCrossEntropy(shifted[0], shifted[1]).getFloat();
                double ours = SftLoss.nllSum(model, b, m).getFloat() / b.targetCount();
                assertTrue(hf > 1, "an untrained model's loss is large: " + hf);
                assertEquals(hf, ours, 1e-5 * hf, "completion_only_loss=" + completionOnly);
            }
        }
    }

    @Test
    void seq2seqLossEqualsTheLabelsLossWithShiftRight() {
        try (LanguageModel model = SftFixtures.preset("micro-t5", tok, manager, 5); NDManager m = manager.newSubManager();
                GradMode g = GradMode.disabled()) {
            Seq2SeqLm t5 = (Seq2SeqLm) model;
            var examples = new SftEncoder(tok, true, 64, 16, Side.RIGHT).encodeAll(SftFixtures.rows(20, 4));
            SftBatch b = SftBatch.seq2seq(examples, 0, t5.decoderStartTokenId());
            long[] labels = new long[b.rows() * b.decoderLength()];
            java.util.Arrays.fill(labels, TokenLoss.IGNORE_INDEX);
            for (int r = 0; r < b.rows(); r++) {
                long[] c = examples.get(r).completion();
                System.arraycopy(c, 0, labels, r * b.decoderLength(), c.length);
            }
            NDArray labelArray = m.create(labels, new Shape(b.rows(), b.decoderLength()));
            NDArray decoderIds = T5Model.shiftRight(labelArray, t5.decoderStartTokenId(), 0);
            assertArrayEquals(decoderIds.toLongArray(), b.decoderInputIds(), "shift_right as transformers does it");
            NDArray ids = m.create(b.inputIds(), new Shape(b.rows(), b.length()));
            NDArray mask = m.create(b.attentionMask(), new Shape(b.rows(), b.length()));
            NDArray logits = model.lmHead(t5.decode(decoderIds, t5.encode(ids, mask, null), mask, null, null));
            double hf = TokenLoss.meanCrossEntropy(logits, labelArray).getFloat();
            double ours = SftLoss.nllSum(model, b, m).getFloat() / b.targetCount();
            assertTrue(hf > 1, "an untrained model's loss is large: " + hf);
            assertEquals(hf, ours, 1e-5 * hf);
        }
    }
}
