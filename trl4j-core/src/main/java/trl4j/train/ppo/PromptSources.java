package trl4j.train.ppo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import trl4j.data.Datasets;
import trl4j.data.PromptReferences;
import trl4j.data.ReadOptions;
import trl4j.data.debian.DebianTldr;

/**
 * Where PPO's prompts come from ({@code train_prompts}, {@code eval_prompts}, {@code test_prompts}): a data
 * file with a prompt and a reference summary per row (any format and schema trl4j's readers detect:
 * JSONL/JSON/CSV/Parquet, TRL {@code prompt/completion}, CarperAI {@code prompt/label}, …), or the bundled
 * dataset as {@code debian-tldr:<split>}.
 */
public final class PromptSources {

    public static final String DEBIAN = "debian-tldr:";

    private PromptSources() {}

    /**
     * @param home folder from which {@code data/debian-tldr} is looked up (the repository root)
     */
    public static List<PromptReferences> load(String spec, Path home) {
        if (spec.startsWith(DEBIAN)) {
            return DebianTldr.references(DebianTldr.locate(home), spec.substring(DEBIAN.length()));
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file) && !file.isAbsolute() && Files.isRegularFile(home.resolve(file))) {
            file = home.resolve(file);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(spec + ": no such prompts file (or use " + DEBIAN + "train|validation|test)");
        }
        List<PromptReferences> rows = Datasets.loadReferences(file, ReadOptions.defaults()).rows();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no prompts");
        }
        return rows;
    }
}
