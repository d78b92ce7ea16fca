package trl4j.data;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Adapters of the schemas whose rows are preferences between two summaries. */
final class ComparisonSchemas {

    private ComparisonSchemas() {}

    /**
     * {@code {prompt, chosen, rejected}} (TRL, CarperAI's comparisons, explicit field names), with an
     * optional {@code kind}. CarperAI's summaries start with {@code TL;DR: } and its prompts do not end
     * with it: the marker moves into the prompt so every comparison has TRL's layout.
     */
    record Preference(String promptField, String chosenField, String rejectedField) implements SchemaAdapter {
        @Override
        public Comparison comparison(ObjectNode row) {
            String prompt = Fields.text(row, promptField);
            String chosen = Fields.text(row, chosenField);
            String rejected = Fields.text(row, rejectedField);
            String kind = Fields.optionalText(row, "kind");
            String k = kind == null ? Comparison.UNLABELLED : kind;
            Double margin = Fields.optionalNumber(row, "margin"); // TRL's optional per-pair margin
            if (TldrFormat.startsWithMarker(chosen) && TldrFormat.startsWithMarker(rejected)
                    && !TldrFormat.endsWithMarker(prompt)) {
                return SchemaAdapter.build(() -> new Comparison(TldrFormat.withMarker(prompt),
                        TldrFormat.splitTldrPrefix(chosen), TldrFormat.splitTldrPrefix(rejected), k, margin));
            }
            return SchemaAdapter.build(() -> new Comparison(TldrFormat.normalisePrompt(prompt),
                    TldrFormat.completionAfter(prompt, chosen), TldrFormat.completionAfter(prompt, rejected), k, margin));
        }
    }

    /**
     * OpenAI {@code summarize_from_feedback}: the post becomes the TL;DR prompt
     * ({@code SUBREDDIT: r/… TITLE: … POST: … TL;DR:}); {@code summaries[choice]} is chosen, the other
     * rejected. CNN/DM rows carry {@code info.article} instead of {@code info.post}.
     */
    record SummarizeFromFeedback() implements SchemaAdapter {
        @Override
        public Comparison comparison(ObjectNode row) {
            ObjectNode info = Fields.object(row, "info");
            String post = Fields.optionalText(info, "post");
            String body = post != null ? post : Fields.optionalText(info, "article");
            if (body == null) {
                throw new BadRowException(Fields.find(info, "post") != null ? BadRowReason.EMPTY_TEXT
                        : BadRowReason.MISSING_FIELD, "no 'info.post'");
            }
            String prompt = TldrFormat.redditPrompt(Fields.optionalText(info, "subreddit"),
                    Fields.optionalText(info, "title"), body);
            ArrayNode summaries = Fields.array(row, "summaries");
            if (summaries.size() != 2 || !summaries.get(0).isObject() || !summaries.get(1).isObject()) {
                throw new BadRowException(BadRowReason.WRONG_TYPE, "'summaries' must hold two {text, policy, note}"
                        + " objects, found " + summaries.size() + " elements");
            }
            int choice = Fields.integer(row, "choice");
            if (choice != 0 && choice != 1) {
                throw new BadRowException(BadRowReason.WRONG_TYPE, "'choice' must be 0 or 1, got " + choice);
            }
            String chosen = Fields.text(row, "summaries." + choice + ".text");
            String rejected = Fields.text(row, "summaries." + (1 - choice) + ".text");
            return SchemaAdapter.build(() -> new Comparison(prompt, TldrFormat.completion(chosen),
                    TldrFormat.completion(rejected)));
        }
    }

    /** trl4j's debian-tldr comparisons: the document becomes a TL;DR prompt; the negative's kind is kept. */
    record DebianComparisons() implements SchemaAdapter {
        @Override
        public Comparison comparison(ObjectNode row) {
            return new Comparison(TldrFormat.prompt(Fields.text(row, "prompt")),
                    TldrFormat.completion(Fields.text(row, "chosen")),
                    TldrFormat.completion(Fields.text(row, "rejected")), Fields.text(row, "kind"));
        }
    }
}
