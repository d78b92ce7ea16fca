package trl4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.testing.Golden;
import trl4j.testing.TemplateTokenizers;
import trl4j.tokenizer.Tokenizer;

/**
 * Special tokens around fitted prompts follow the tokenizer's post-processor, as {@code tokenizer(prompt)}
 * in transformers: a Llama-style template puts its BOS first, a T5-style one its EOS last, GPT-2's adds
 * nothing. The templates here are the golden GPT-2 tokenizer's with a TemplateProcessing post-processor.
 */
class PromptFitterTest {

    private static final long SPECIAL = TemplateTokenizers.SPECIAL; // <|endoftext|>, standing in for <s> or </s>
    private static final String PROMPT = "A long document about parsing XML files in Java programs.\nTL;DR:";

    @Test
    void gpt2PromptsCarryNoSpecialTokens() {
        try (Tokenizer tok = Tokenizer.load(Golden.model("gpt2-text"))) {
            PromptFitter causal = new PromptFitter(tok, false, false);
            assertEquals(0, causal.specialTokens());
            assertArrayEquals(tok.encode(PROMPT, false), causal.fit(PROMPT, 1000));
        }
    }

    @Test
    void aLlamaStyleTemplatePutsItsBosFirstAndItIsNeverCut(@TempDir Path dir) throws IOException {
        try (Tokenizer tok = Tokenizer.load(TemplateTokenizers.withTemplate(dir, true))) {
            assertArrayEquals(new long[] {SPECIAL}, tok.templatePrefix());
            assertEquals(0, tok.templateSuffix().length);
            PromptFitter causal = new PromptFitter(tok, false, false);
            long[] plain = tok.encode(PROMPT, false);
            long[] fitted = causal.fit(PROMPT, 1000);
            assertArrayEquals(tok.encode(PROMPT, true), fitted, "as tokenizer(prompt) in transformers");
            assertEquals(SPECIAL, fitted[0]);
            assertArrayEquals(plain, Arrays.copyOfRange(fitted, 1, fitted.length));

            long[] cut = causal.fit(PROMPT, 8);
            assertEquals(8, cut.length);
            assertEquals(SPECIAL, cut[0], "the BOS survives truncation");
            String text = tok.decode(cut, true);
            assertTrue(text.startsWith("A long") && text.endsWith("\nTL;DR:"), text);
        }
    }

    @Test
    void aT5StyleTemplateEndsEncoderInputsWithItsEos(@TempDir Path dir) throws IOException {
        try (Tokenizer tok = Tokenizer.load(TemplateTokenizers.withTemplate(dir, false))) {
            assertArrayEquals(new long[] {SPECIAL}, tok.templateSuffix());
            PromptFitter encoder = new PromptFitter(tok, true, false);
            long[] fitted = encoder.fit(PROMPT, 1000);
            assertArrayEquals(tok.encode(PROMPT, true), fitted);
            long[] cut = encoder.fit(PROMPT, 9);
            assertEquals(9, cut.length);
            assertEquals(SPECIAL, cut[8]);
            // A causal prompt never gets the suffix: the completion follows it.
            assertArrayEquals(tok.encode(PROMPT, false), new PromptFitter(tok, false, false).fit(PROMPT, 1000));
        }
    }
}
