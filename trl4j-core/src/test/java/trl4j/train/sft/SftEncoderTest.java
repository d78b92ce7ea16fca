package trl4j.train.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.PromptCompletion;
import trl4j.data.TldrFormat;
import trl4j.tokenizer.Tokenizer;

/** Tokenisation and truncation of SFT examples, checked against the tokenizer itself. */
class SftEncoderTest {

    static Tokenizer tok;
    static long eos;

    @BeforeAll
    static void load() {
        tok = SftFixtures.tokenizer();
        eos = tok.eosId();
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    static long[] plus(long[] ids, long... more) {
        long[] out = Arrays.copyOf(ids, ids.length + more.length);
        System.arraycopy(more, 0, out, ids.length, more.length);
        return out;
    }

    /** A long document "w0 w1 ... w(n−1)" as a TL;DR prompt. */
    static PromptCompletion longRow(int words) {
        String doc = IntStream.range(0, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        return new PromptCompletion(TldrFormat.prompt(doc), TldrFormat.completion("a short synopsis"));
    }

    @Test
    void causalExamplesArePromptThenCompletionWithTheEosAppended() {
        PromptCompletion row = SftFixtures.rows(0, 1).get(0);
        SftEncoder.Example e = new SftEncoder(tok, false, 1024, 64, Side.RIGHT).encode(row);
        assertArrayEquals(tok.encode(row.prompt(), false), e.prompt());
        assertArrayEquals(plus(tok.encode(row.completion(), false), eos), e.completion());
        assertEquals(e.prompt().length + e.completion().length, e.tokens());
    }

    @Test
    void batchedEncodingEqualsOneByOne() {
        var rows = SftFixtures.rows(0, 40);
        SftEncoder enc = new SftEncoder(tok, false, 96, 16, Side.RIGHT);
        var all = enc.encodeAll(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals(enc.encode(rows.get(i)).prompt(), all.get(i).prompt(), "prompt " + i);
            assertArrayEquals(enc.encode(rows.get(i)).completion(), all.get(i).completion(), "completion " + i);
        }
    }

    @Test
    void rightTruncationKeepsTheDocumentStartAndTheTldrEnding() {
        PromptCompletion row = longRow(200);
        SftEncoder.Example e = new SftEncoder(tok, false, 40, 8, Side.RIGHT).encode(row);
        assertEquals(40, e.tokens(), "prompt and completion fill max_length exactly");
        String prompt = tok.decode(e.prompt(), false);
        assertTrue(prompt.startsWith("w0 w1 w2"), prompt);
        assertTrue(prompt.endsWith("\nTL;DR:"), prompt);
        assertFalse(prompt.contains("w199"), prompt);
        long[] tail = tok.encode("\nTL;DR:", false);
        assertArrayEquals(tail, Arrays.copyOfRange(e.prompt(), e.prompt().length - tail.length, e.prompt().length));
    }

    @Test
    void leftTruncationKeepsTheDocumentEndAndTheTldrEnding() {
        SftEncoder.Example e = new SftEncoder(tok, false, 40, 8, Side.LEFT).encode(longRow(200));
        String prompt = tok.decode(e.prompt(), false);
        assertTrue(prompt.endsWith("w198 w199\nTL;DR:"), prompt);
        assertFalse(prompt.contains("w0 w1"), prompt);
        assertEquals(40, e.tokens());
    }

    @Test
    void longCompletionsAreCutAtTheEndAndStillEndWithEos() {
        String summary = IntStream.range(0, 50).mapToObj(i -> "s" + i).collect(Collectors.joining(" "));
        PromptCompletion row = new PromptCompletion("doc\nTL;DR:", TldrFormat.completion(summary));
        SftEncoder.Example e = new SftEncoder(tok, false, 64, 10, Side.RIGHT).encode(row);
        assertEquals(10, e.completion().length);
        assertEquals(eos, e.completion()[9]);
        assertArrayEquals(Arrays.copyOf(tok.encode(row.completion(), false), 9), Arrays.copyOf(e.completion(), 9));
    }

    @Test
    void encoderInputsEndWithEosAndFitMaxLength() {
        PromptCompletion row = SftFixtures.rows(1, 1).get(0);
        SftEncoder fits = new SftEncoder(tok, true, 1024, 64, Side.RIGHT);
        assertArrayEquals(plus(tok.encode(row.prompt(), false), eos), fits.encode(row).prompt());
        SftEncoder.Example cut = new SftEncoder(tok, true, 30, 64, Side.RIGHT).encode(longRow(200));
        assertEquals(30, cut.prompt().length, "max_length bounds the encoder input alone");
        assertEquals(eos, cut.prompt()[29]);
        assertTrue(tok.decode(Arrays.copyOf(cut.prompt(), 29), false).endsWith("\nTL;DR:"));
        assertTrue(tok.decode(cut.prompt(), false).startsWith("w0 w1"));
    }

    @Test
    void generationPromptsLeaveRoomForTheNewTokens() {
        SftEncoder enc = new SftEncoder(tok, false, 40, 8, Side.RIGHT);
        assertEquals(40 - 12, enc.encodePrompt(longRow(200).prompt(), 12).length);
        String shortPrompt = "A small tool.\nTL;DR:";
        assertArrayEquals(tok.encode(shortPrompt, false), enc.encodePrompt(shortPrompt, 12), "a prompt that fits is tokenised whole");
    }

    @Test
    void theProtectedTailIsTheLineWithTheMarker() {
        assertEquals("\nTL;DR:", trl4j.data.PromptFitter.tailOf("some document\nTL;DR:"));
        assertEquals("\nTL;DR:", trl4j.data.PromptFitter.tailOf("POST: text\n\nTL;DR:"));
        assertEquals("TL;DR:", trl4j.data.PromptFitter.tailOf("one line TL;DR:"));
        assertEquals("", trl4j.data.PromptFitter.tailOf("Translate to French: cheese"));
    }

    @Test
    void aCausalMaxLengthMustLeaveRoomForAPrompt() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SftEncoder(tok, false, 64, 64, Side.RIGHT));
        assertEquals("max_length (64) must exceed max_completion_length (64) for a causal model: prompt and completion share max_length",
                e.getMessage());
    }
}
