package trl4j.train.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.PromptFitter;
import trl4j.testing.Golden;
import trl4j.testing.TemplateTokenizers;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.reward.RewardEncoder.Encoded;

/**
 * Cutting too-long (prompt, response) sequences, with prompts tokenised in batches: the same ids as fitting
 * each prompt on its own, and a template's BOS exactly once.
 */
class RewardEncoderTest {

    private static final String DOCUMENT = "The quick brown fox jumps over the lazy dog while the parser reads XML files "
            + "in Java programs and writes their summaries to the terminal, one line per file.";
    private static final String TLDR_PROMPT = DOCUMENT + "\nTL;DR:";
    private static final String PLAIN_PROMPT = DOCUMENT + " Summary follows.";

    @Test
    void batchedCuttingEqualsFittingEachPromptAlone() {
        try (Tokenizer tok = Tokenizer.load(Golden.model("gpt2-text"))) {
            int maxLength = 20;
            RewardEncoder encoder = new RewardEncoder(tok, false, 0, maxLength, Side.RIGHT, true);
            PromptFitter fitter = new PromptFitter(tok, false, false);
            List<String> prompts = List.of(TLDR_PROMPT, PLAIN_PROMPT, TLDR_PROMPT, "Short.\nTL;DR:");
            List<String> responses = List.of(" fox jumps", " a parser", " reads XML files fast", " ok");
            List<Encoded> batched = encoder.pairs(prompts, responses);
            long eos = tok.eosId();
            for (int i = 0; i < prompts.size(); i++) {
                long[] response = tok.encode(responses.get(i), false);
                long[] whole = concat(tok.encode(prompts.get(i) + responses.get(i), true), new long[] {eos});
                int[] got = batched.get(i).input();
                if (whole.length <= maxLength) {
                    assertArrayEquals(toInt(whole), got, "a short pair is not cut");
                    continue;
                }
                long[] prompt = fitter.fit(prompts.get(i), maxLength - response.length - 1);
                assertArrayEquals(toInt(concat(prompt, response, new long[] {eos})), got, "pair " + i);
                assertEquals(maxLength, got.length);
            }
            String cut = tok.decode(toLong(batched.get(0).input()), false);
            assertTrue(cut.endsWith("\nTL;DR: fox jumps<|endoftext|>"), cut);
            assertTrue(cut.startsWith("The quick"), cut);
        }
    }

    @Test
    void piecesOfManyPromptsEqualThoseOfEachAlone() {
        try (Tokenizer tok = Tokenizer.load(Golden.model("gpt2-text"))) {
            PromptFitter fitter = new PromptFitter(tok, false, false);
            List<String> prompts = List.of(TLDR_PROMPT, PLAIN_PROMPT, "Other text.\nTL;DR:");
            List<PromptFitter.Pieces> all = fitter.pieces(prompts);
            for (int i = 0; i < prompts.size(); i++) {
                PromptFitter.Pieces one = fitter.pieces(List.of(prompts.get(i))).get(0);
                assertArrayEquals(one.body(), all.get(i).body());
                assertArrayEquals(one.tail(), all.get(i).tail());
            }
            assertEquals(0, all.get(1).tail().length, "a prompt without TL;DR keeps no ending");
            assertArrayEquals(tok.encode("\nTL;DR:", false), all.get(0).tail());
            assertArrayEquals(tok.encode(DOCUMENT, false), all.get(0).body());
        }
    }

    @Test
    void aTemplateBosStartsACutSequenceOnce(@TempDir Path dir) throws IOException {
        try (Tokenizer tok = Tokenizer.load(TemplateTokenizers.withTemplate(dir, true))) {
            long bos = TemplateTokenizers.SPECIAL;
            RewardEncoder encoder = new RewardEncoder(tok, false, 0, 16, Side.RIGHT, true);
            for (String prompt : List.of(TLDR_PROMPT, PLAIN_PROMPT)) {
                int[] ids = encoder.pair(prompt, " fox jumps").input();
                assertEquals(16, ids.length, prompt);
                assertEquals(bos, ids[0], prompt);
                assertTrue(ids[1] != bos, "one BOS, not two: " + Arrays.toString(ids));
                String text = tok.decode(toLong(Arrays.copyOfRange(ids, 1, ids.length)), false);
                assertTrue(text.startsWith("The quick") && text.endsWith(" fox jumps<|endoftext|>"), text);
            }
            String tldr = tok.decode(toLong(encoder.pair(TLDR_PROMPT, " fox jumps").input()), false);
            assertTrue(tldr.endsWith("\nTL;DR: fox jumps<|endoftext|>"), tldr);
        }
    }

    private static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    private static int[] toInt(long[] ids) {
        return Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
    }

    private static long[] toLong(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }
}
