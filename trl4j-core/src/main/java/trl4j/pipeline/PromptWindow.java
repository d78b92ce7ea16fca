package trl4j.pipeline;

import java.util.List;
import trl4j.config.StageConfig;
import trl4j.data.PromptReferences;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.sft.SftEncoder;
import trl4j.train.sft.SftMethod;

/**
 * Prompts as the SFT policy learnt to read them. SFT cuts long documents to fit its {@code max_length}
 * while keeping the {@code "\nTL;DR:"} ending ({@link SftEncoder}, {@link trl4j.data.PromptFitter}); a
 * policy asked to summarise a longer prompt would read positions it never trained on. Every prompt the
 * pipeline generates from after SFT (comparisons, PPO rollouts, the evaluation) is cut to SFT's window,
 * whatever the later stages' own {@code max_length}, so SFT, the reward model and PPO all see one
 * distribution of prompts.
 */
final class PromptWindow {

    private final SftEncoder encoder;
    private final Tokenizer tokenizer;
    private final int maxNewTokens;

    /**
     * @param maxNewTokens tokens the generation may add (a causal prompt leaves room for them)
     */
    PromptWindow(StageConfig<SftMethod> sft, Tokenizer tokenizer, LanguageModel policy, int maxNewTokens) {
        this(sft, tokenizer, policy instanceof Seq2SeqLm, maxNewTokens);
    }

    PromptWindow(StageConfig<SftMethod> sft, Tokenizer tokenizer, boolean seq2seq, int maxNewTokens) {
        this.encoder = new SftEncoder(tokenizer, seq2seq, sft.training().loop().maxLength(), sft.method().maxCompletionLength(),
                sft.training().tokenizer().truncationSide());
        this.tokenizer = tokenizer;
        this.maxNewTokens = maxNewTokens;
    }

    /** The prompt, cut to the window (unchanged when it fits), as text. */
    String cut(String prompt) {
        long[] ids = encoder.encodePrompt(prompt, maxNewTokens);
        int whole = tokenizer.encode(prompt, false).length + encoder.promptSpecialTokens();
        // Decoding skips the special tokens (BOS, an encoder's EOS); byte-level BPE gives the text back exactly.
        return ids.length < whole ? tokenizer.decode(ids, true) : prompt;
    }

    /** The rows with their prompts cut; references are kept. */
    List<PromptReferences> cut(List<PromptReferences> rows) {
        return rows.stream().map(r -> new PromptReferences(cut(r.prompt()), r.references())).toList();
    }
}
