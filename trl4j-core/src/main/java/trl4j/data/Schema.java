package trl4j.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The row layouts of the summarisation datasets, with the field names they really use. Chosen by
 * name ({@code --format}) or detected from the first readable row.
 */
public enum Schema {
    /** OpenAI {@code summarize_from_feedback} comparisons: {@code info{id,post,title,subreddit}}, {@code summaries[2]{text,policy,note}}, {@code choice}. */
    SUMMARIZE_FROM_FEEDBACK("summarize-from-feedback", Task.COMPARISONS, List.of("info", "summaries", "choice")),
    /** SciTLDR: {@code source} (sentences), {@code target} (TLDRs), {@code paper_id}, {@code source_labels}, {@code rouge_scores}. */
    SCITLDR("scitldr", Task.PAIRS, List.of("source", "target")),
    /** trl4j's debian-tldr comparisons: {@code id, package, group, prompt} (the document), {@code chosen, rejected, kind}. */
    DEBIAN_COMPARISONS("debian-comparisons", Task.COMPARISONS, List.of("prompt", "chosen", "rejected", "kind", "group")),
    /** Preference pairs {@code prompt, chosen, rejected}: TRL, and CarperAI's {@code openai_summarize_comparisons}. */
    PREFERENCE("preference", Task.COMPARISONS, List.of("prompt", "chosen", "rejected")),
    /** trl4j's debian-tldr rows: {@code id, package, group, document, summary}. */
    DEBIAN_TLDR("debian-tldr", Task.PAIRS, List.of("document", "summary")),
    /** TRL's prompt/completion pairs (e.g. {@code trl-lib/tldr}). */
    PROMPT_COMPLETION("prompt-completion", Task.PAIRS, List.of("prompt", "completion")),
    /** CarperAI's {@code openai_summarize_tldr}: {@code prompt} ending in {@code TL;DR:}, {@code label}. */
    PROMPT_LABEL("prompt-label", Task.PAIRS, List.of("prompt", "label")),
    /** Any other layout, through explicit field names ({@link FieldMapping}). */
    FIELDS("fields", null, List.of());

    /** What a schema's rows are for. */
    public enum Task {
        /** prompt → completion, for SFT (and references for evaluation). */
        PAIRS,
        /** prompt, chosen, rejected, for the reward model. */
        COMPARISONS
    }

    private final String formatName;
    private final Task task;
    private final List<String> signature;

    Schema(String formatName, Task task, List<String> signature) {
        this.formatName = formatName;
        this.task = task;
        this.signature = signature;
    }

    /** The {@code --format} name. */
    public String formatName() {
        return formatName;
    }

    /** The task of the rows; for {@link #FIELDS} it follows from the mapping. */
    public Task task(FieldMapping fields) {
        if (this == FIELDS) {
            return fields.completion() != null ? Task.PAIRS : Task.COMPARISONS;
        }
        return task;
    }

    /** The fields whose presence identifies the schema. */
    public List<String> signature() {
        return signature;
    }

    public static Schema fromFormatName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
        for (Schema s : values()) {
            if (s.formatName.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown format '" + name + "' (expected one of "
                + Arrays.stream(values()).map(Schema::formatName).collect(Collectors.joining(", ")) + ")");
    }

    /** The first schema (most specific first) whose fields the row has, or null. */
    public static Schema detect(ObjectNode row) {
        for (Schema s : values()) {
            if (s != FIELDS && s.signature.stream().allMatch(f -> Fields.find(row, f) != null || row.has(f))) {
                return s;
            }
        }
        return null;
    }
}
