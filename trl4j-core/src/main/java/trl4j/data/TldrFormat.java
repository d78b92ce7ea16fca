package trl4j.data;

/**
 * The one prompt/completion layout every summarisation row leaves {@code trl4j.data} in, so that
 * {@code prompt + completion} is the text a causal LM trains on (as in OpenAI's and TRL's TL;DR data):
 * the prompt ends with {@code TL;DR:} and the completion is the summary after exactly one space.
 *
 * <p>Reddit data comes with this layout (CarperAI's comparisons put {@code TL;DR: } at the start of
 * each summary instead, which {@link #splitTldrPrefix} moves back into the prompt); documents without
 * it (debian-tldr, SciTLDR) get the suffix appended.
 */
public final class TldrFormat {

    /** What a summarisation prompt ends with. */
    public static final String MARKER = "TL;DR:";

    private TldrFormat() {}

    /** Prompt for a plain document: the document, a line break and {@code TL;DR:}. */
    public static String prompt(String document) {
        return document.strip() + "\n" + MARKER;
    }

    /** Completion for a plain summary: one space, then the summary. */
    public static String completion(String summary) {
        return " " + summary.strip();
    }

    /** OpenAI's Reddit TL;DR prompt ({@code summarize_from_feedback}, TRL's {@code tldr}); null parts are left out. */
    public static String redditPrompt(String subreddit, String title, String post) {
        StringBuilder b = new StringBuilder();
        if (subreddit != null && !subreddit.isBlank()) {
            b.append("SUBREDDIT: r/").append(subreddit.strip()).append("\n\n");
        }
        if (title != null && !title.isBlank()) {
            b.append("TITLE: ").append(title.strip()).append("\n\n");
        }
        return b.append("POST: ").append(post.strip()).append("\n\n").append(MARKER).toString();
    }

    public static boolean endsWithMarker(String prompt) {
        return prompt.stripTrailing().endsWith(MARKER);
    }

    /**
     * A completion after a prompt that ends with {@code TL;DR:} gets exactly one leading space; other
     * prompt/completion pairs are left as the dataset has them.
     */
    public static String completionAfter(String prompt, String completion) {
        return endsWithMarker(prompt) ? completion(completion) : completion;
    }

    /** The prompt with trailing whitespace after {@code TL;DR:} removed (other prompts unchanged). */
    public static String normalisePrompt(String prompt) {
        return endsWithMarker(prompt) ? prompt.stripTrailing() : prompt;
    }

    /** True for CarperAI-style summaries that carry the marker themselves ({@code "TL;DR: text"}). */
    public static boolean startsWithMarker(String summary) {
        return summary.stripLeading().startsWith(MARKER);
    }

    /** The summary without its leading {@code TL;DR:} marker, as a completion (one leading space). */
    public static String splitTldrPrefix(String summary) {
        return completion(summary.stripLeading().substring(MARKER.length()));
    }

    /** Moves the marker into a prompt that lacks it (one line break before it). */
    public static String withMarker(String prompt) {
        return endsWithMarker(prompt) ? prompt.stripTrailing() : prompt.stripTrailing() + "\n" + MARKER;
    }
}
