package trl4j.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Turns one raw row of a schema into trl4j's records. A row the adapter cannot use throws
 * {@link BadRowException}; an adapter only implements the outputs its schema has (the reading
 * front end checks {@link Schema#task} first).
 */
interface SchemaAdapter {

    /** SFT examples of the row (SciTLDR may give several, one per target). */
    default List<PromptCompletion> pairs(ObjectNode row) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no prompt/completion pairs");
    }

    /** Evaluation example: the prompt and all reference summaries. */
    default PromptReferences references(ObjectNode row) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no references");
    }

    default Comparison comparison(ObjectNode row) {
        throw new IllegalStateException(getClass().getSimpleName() + " has no comparisons");
    }

    static SchemaAdapter of(Schema schema, ReadOptions options) {
        return switch (schema) {
            case PROMPT_COMPLETION -> new PairSchemas.Fielded("prompt", "completion");
            case PROMPT_LABEL -> new PairSchemas.Fielded("prompt", "label");
            case DEBIAN_TLDR -> new PairSchemas.DebianTldrRows();
            case SCITLDR -> new PairSchemas.SciTldr(options.allTargets());
            case PREFERENCE -> new ComparisonSchemas.Preference("prompt", "chosen", "rejected");
            case SUMMARIZE_FROM_FEEDBACK -> new ComparisonSchemas.SummarizeFromFeedback();
            case DEBIAN_COMPARISONS -> new ComparisonSchemas.DebianComparisons();
            case FIELDS -> options.fields().completion() != null
                    ? new PairSchemas.Fielded(options.fields().prompt(), options.fields().completion())
                    : new ComparisonSchemas.Preference(options.fields().prompt(), options.fields().chosen(),
                            options.fields().rejected());
        };
    }

    /** Builds a record, turning a blank text left after normalisation into an empty-text bad row. */
    static <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new BadRowException(BadRowReason.EMPTY_TEXT, e.getMessage());
        }
    }
}
