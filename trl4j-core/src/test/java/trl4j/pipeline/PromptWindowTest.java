package trl4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trl4j.config.ConfigLoader;
import trl4j.data.PromptCompletion;
import trl4j.data.debian.DebianTldr;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.sft.SftMethod;

class PromptWindowTest {

    @Test
    void longPromptsAreCutAsSftTrainedOnThemAndKeepTheirTldrEnding(@TempDir Path dir) throws Exception {
        List<PromptCompletion> rows = DebianTldr.pairs(DebianTldr.locate(Path.of("")), "validation").subList(0, 200);
        BpeTrainer bpe = new BpeTrainer(BpeTrainerConfig.defaults().withVocabSize(600));
        rows.forEach(r -> bpe.add(r.prompt() + r.completion()));
        bpe.train().save(dir);
        var sft = new ConfigLoader<>(SftMethod.SCHEMA).parse("max_length: 40\nmax_completion_length: 8\n", "t.yaml", List.of()).config();
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            PromptWindow window = new PromptWindow(sft, tokenizer, false, 10); // 40 - 10 new tokens = 30 prompt tokens
            String longPrompt = rows.stream().map(PromptCompletion::prompt).filter(p -> tokenizer.encode(p, false).length > 60)
                    .findFirst().orElseThrow();
            String cut = window.cut(longPrompt);
            assertTrue(cut.endsWith("\nTL;DR:"), cut);
            String document = longPrompt.substring(0, longPrompt.lastIndexOf("\nTL;DR:"));
            assertTrue(document.startsWith(cut.substring(0, cut.length() - "\nTL;DR:".length())), "the document keeps its start: " + cut);
            assertTrue(tokenizer.encode(cut, false).length <= 30, cut);
            String shortPrompt = "A tiny tool.\nTL;DR:";
            assertEquals(shortPrompt, window.cut(shortPrompt));
        }
    }
}
