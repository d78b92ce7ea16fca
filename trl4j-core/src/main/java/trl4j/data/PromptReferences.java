package trl4j.data;

import java.util.List;

/**
 * An evaluation example: a prompt and every reference summary of it (SciTLDR has several; ROUGE takes
 * the best, as rouge_score's {@code score_multi}). References are plain text, without the leading
 * space a completion carries.
 */
public record PromptReferences(String prompt, List<String> references) {
    public PromptReferences {
        Texts.requireText("prompt", prompt);
        references = List.copyOf(references);
        if (references.isEmpty()) {
            throw new IllegalArgumentException("at least one reference is needed");
        }
        references.forEach(r -> Texts.requireText("reference", r));
    }
}
