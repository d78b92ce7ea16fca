package trl4j.data;

/**
 * One supervised example: the model reads {@code prompt} and learns to write {@code completion};
 * {@code prompt + completion} is the training text (see {@link TldrFormat} for the summary layout).
 */
public record PromptCompletion(String prompt, String completion) {
    public PromptCompletion {
        Texts.requireText("prompt", prompt);
        Texts.requireText("completion", completion);
    }
}
