package trl4j.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Adapters of the schemas whose rows are prompt → summary pairs. */
final class PairSchemas {

    private PairSchemas() {}

    /**
     * TRL {@code {prompt, completion}}, CarperAI {@code {prompt, label}} and explicit field names. A
     * prompt ending in {@code TL;DR:} gets a completion with one leading space; a completion that
     * carries the {@code TL;DR:} itself has it moved into the prompt.
     */
    record Fielded(String promptField, String completionField) implements SchemaAdapter {
        @Override
        public List<PromptCompletion> pairs(ObjectNode row) {
            return List.of(pair(row));
        }

        @Override
        public PromptReferences references(ObjectNode row) {
            PromptCompletion p = pair(row);
            return SchemaAdapter.build(() -> new PromptReferences(p.prompt(), List.of(p.completion().strip())));
        }

        private PromptCompletion pair(ObjectNode row) {
            String prompt = Fields.text(row, promptField);
            String completion = Fields.text(row, completionField);
            if (TldrFormat.startsWithMarker(completion) && !TldrFormat.endsWithMarker(prompt)) {
                return SchemaAdapter.build(() -> new PromptCompletion(TldrFormat.withMarker(prompt),
                        TldrFormat.splitTldrPrefix(completion)));
            }
            return SchemaAdapter.build(() -> new PromptCompletion(TldrFormat.normalisePrompt(prompt),
                    TldrFormat.completionAfter(prompt, completion)));
        }
    }

    /** debian-tldr rows: the document becomes a TL;DR prompt, the synopsis its completion. */
    record DebianTldrRows() implements SchemaAdapter {
        @Override
        public List<PromptCompletion> pairs(ObjectNode row) {
            String document = Fields.text(row, "document");
            String summary = Fields.text(row, "summary");
            return List.of(new PromptCompletion(TldrFormat.prompt(document), TldrFormat.completion(summary)));
        }

        @Override
        public PromptReferences references(ObjectNode row) {
            return new PromptReferences(TldrFormat.prompt(Fields.text(row, "document")),
                    List.of(Fields.text(row, "summary").strip()));
        }
    }

    /**
     * SciTLDR: the paper's {@code source} sentences joined by spaces form the document; every
     * {@code target} is a reference, and an SFT example unless only the first is asked for.
     */
    record SciTldr(boolean allTargets) implements SchemaAdapter {
        @Override
        public List<PromptCompletion> pairs(ObjectNode row) {
            String prompt = prompt(row);
            List<String> targets = targets(row);
            List<PromptCompletion> out = new ArrayList<>();
            for (String t : allTargets ? targets : targets.subList(0, 1)) {
                out.add(new PromptCompletion(prompt, TldrFormat.completion(t)));
            }
            return out;
        }

        @Override
        public PromptReferences references(ObjectNode row) {
            return new PromptReferences(prompt(row), targets(row));
        }

        private static String prompt(ObjectNode row) {
            List<String> sentences = new ArrayList<>();
            for (String s : Fields.textList(row, "source")) {
                if (!s.isBlank()) {
                    sentences.add(s.strip());
                }
            }
            return TldrFormat.prompt(String.join(" ", sentences));
        }

        private static List<String> targets(ObjectNode row) {
            List<String> out = new ArrayList<>();
            for (String t : Fields.textList(row, "target")) {
                if (!t.isBlank()) {
                    out.add(t.strip());
                }
            }
            return out;
        }
    }
}
