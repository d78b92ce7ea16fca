package trl4j.train.ppo;

import java.nio.file.Path;
import java.util.List;
import trl4j.config.ConfigLoader;
import trl4j.config.LoadedConfig;
import trl4j.config.StageConfig;
import trl4j.config.TrainingConfig;

/**
 * A PPO run's resolved config: the shared settings and {@link PpoMethod}, and whether the file used
 * trlX's layout (whose step counts {@link PpoPlan} converts).
 *
 * <pre>{@code
 * PpoConfig config = PpoConfig.load(Path.of("configs/ppo-debian.yaml"), List.of("--kl_coef=0.1"));
 * PpoConfig defaults = PpoConfig.defaults();
 * }</pre>
 */
public record PpoConfig(StageConfig<PpoMethod> stage, boolean trlxLayout, List<String> notes) {

    public static final ConfigLoader<PpoMethod> LOADER = new ConfigLoader<>(PpoMethod.SCHEMA);

    public PpoConfig {
        if (stage == null) {
            throw new IllegalArgumentException("PpoConfig: the stage config is required");
        }
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** Reads a YAML file (trlX or TRL layout; null for defaults only) and applies command-line overrides. */
    public static PpoConfig load(Path file, List<String> overrides) {
        return of(LOADER.load(file, overrides));
    }

    /** Parses YAML text ({@code source} names it in messages). */
    public static PpoConfig parse(String yaml, String source, List<String> overrides) {
        return of(LOADER.parse(yaml, source, overrides));
    }

    public static PpoConfig of(LoadedConfig<PpoMethod> loaded) {
        return new PpoConfig(loaded.config(), loaded.trlxLayout(), loaded.notes());
    }

    /** Every default, with overrides ({@code --output_dir=runs/x}). */
    public static PpoConfig defaults(String... overrides) {
        return parse("", "defaults", List.of(overrides));
    }

    public PpoMethod method() {
        return stage.method();
    }

    public TrainingConfig training() {
        return stage.training();
    }

    /** The resolved config as YAML (flat layout, every key). */
    public String toYaml() {
        return LOADER.toYaml(stage);
    }

    /** Writes {@code resolved-config.yaml} into the run folder. */
    public Path save(Path runDir) {
        return LOADER.save(stage, runDir);
    }

    /** The plan of a run over {@code promptCount} training prompts. */
    public PpoPlan plan(int promptCount) {
        return PpoPlan.of(stage, trlxLayout, promptCount);
    }
}
