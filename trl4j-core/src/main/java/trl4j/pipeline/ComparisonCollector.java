package trl4j.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import trl4j.checkpoint.AtomicFiles;
import trl4j.data.Comparison;
import trl4j.data.PromptReferences;
import trl4j.data.TldrFormat;
import trl4j.generate.GenerationConfig;
import trl4j.generate.GenerationOutput;
import trl4j.generate.Generator;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;
import trl4j.tokenizer.Tokenizer;

/**
 * Comparisons like Stiennon et al.'s: for each training document, two summaries sampled from the SFT
 * policy, labelled by the {@link GoldJudge} instead of a human. Identical samples and ties are not
 * labelled (and are counted).
 */
public final class ComparisonCollector {

    /** Kind recorded on every collected pair, so reward-model accuracy is reported for it separately. */
    public static final String KIND = "sft_samples_gold";

    /** The collected pairs and what was dropped. */
    public record Collected(List<Comparison> comparisons, int documents, int identical, int ties) {}

    private ComparisonCollector() {}

    /**
     * @param sampling how the two summaries are drawn (sampling on; the seed fixes them)
     */
    public static Collected collect(LanguageModel sft, Tokenizer tokenizer, List<PromptReferences> documents,
            GenerationConfig sampling, int batchSize) {
        List<String[]> samples = new ArrayList<>();
        for (int start = 0; start < documents.size(); start += batchSize) {
            List<PromptReferences> rows = documents.subList(start, Math.min(documents.size(), start + batchSize));
            List<long[]> prompts = new ArrayList<>();
            for (PromptReferences r : rows) {
                long[] ids = tokenizer.encode(r.prompt(), sft instanceof Seq2SeqLm);
                prompts.add(ids);
                prompts.add(ids); // two samples per document, drawn from independent per-row streams
            }
            GenerationOutput out2 = Generator.generate(sft, prompts, sampling.withSeed(sampling.seed() + start));
            for (int i = 0; i < rows.size(); i++) {
                samples.add(new String[] {text(tokenizer, out2, 2 * i), text(tokenizer, out2, 2 * i + 1)});
            }
        }
        return label(documents, samples);
    }

    /** Labels two summaries per document with the gold judge; identical pairs and ties are dropped. */
    static Collected label(List<PromptReferences> documents, List<String[]> samples) {
        GoldJudge judge = new GoldJudge();
        List<Comparison> out = new ArrayList<>();
        int identical = 0;
        int ties = 0;
        for (int i = 0; i < documents.size(); i++) {
            String a = samples.get(i)[0];
            String b = samples.get(i)[1];
            if (a.equals(b)) {
                identical++;
                continue;
            }
            int preference = judge.prefer(a, b, documents.get(i).references());
            if (preference == 0) {
                ties++;
                continue;
            }
            String prompt = documents.get(i).prompt();
            out.add(preference > 0
                    ? new Comparison(prompt, TldrFormat.completion(a), TldrFormat.completion(b), KIND)
                    : new Comparison(prompt, TldrFormat.completion(b), TldrFormat.completion(a), KIND));
        }
        return new Collected(out, documents.size(), identical, ties);
    }

    private static String text(Tokenizer tokenizer, GenerationOutput out, int i) {
        long[] ids = out.response(i);
        if (out.finished()[i]) {
            ids = Arrays.copyOf(ids, ids.length - 1);
        }
        return tokenizer.decode(ids, true).strip();
    }

    /** Writes comparisons as TRL-layout JSONL ({@code prompt, chosen, rejected, kind}), atomically. */
    public static void write(Path file, List<Comparison> comparisons) {
        ObjectMapper json = new ObjectMapper();
        AtomicFiles.write(file, out -> {
            for (Comparison c : comparisons) {
                ObjectNode o = json.createObjectNode();
                o.put("prompt", c.prompt());
                o.put("chosen", c.chosen());
                o.put("rejected", c.rejected());
                o.put("kind", c.kind());
                out.write((json.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
    }
}
