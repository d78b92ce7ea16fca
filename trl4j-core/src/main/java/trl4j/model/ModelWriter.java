package trl4j.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import trl4j.checkpoint.AtomicFiles;
import trl4j.checkpoint.ConfigJson;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.ModelFolder;

/**
 * {@code save_pretrained} for every architecture and head: {@code config.json},
 * {@code generation_config.json}, weights with Hugging Face names and layouts (sharded above a size
 * threshold) and the tokenizer files. The folder is written into a staging directory and renamed into
 * place, so a crash never leaves a half-written model under the final name.
 */
public final class ModelWriter {

    /** transformers version we write into configs: the one our golden vectors came from. */
    public static final String TRANSFORMERS_VERSION = "4.38.2";

    private ModelWriter() {}

    /**
     * Saves a language model folder atomically.
     *
     * @param generationConfig the {@code generation_config.json} object, or null to derive one from
     *     the model config as {@code GenerationConfig.from_model_config} does
     * @param tokenizerDir folder whose tokenizer files are copied, or null
     * @param maxShardBytes shard threshold ({@link ModelFolder#DEFAULT_MAX_SHARD_BYTES})
     */
    public static void save(LanguageModel model, Path dir, ObjectNode generationConfig, Path tokenizerDir, long maxShardBytes) {
        save(model.config().toHfJson(), model.config(), model.parameters(), dir, generationConfigFor(model, generationConfig),
                tokenizerDir, maxShardBytes);
    }

    public static void save(LanguageModel model, Path dir, Path tokenizerDir) {
        save(model, dir, null, tokenizerDir, ModelFolder.DEFAULT_MAX_SHARD_BYTES);
    }

    /** Saves a sequence-classification model (trunk + score head) as its Hugging Face class does. */
    public static void save(SequenceClassifier classifier, Path dir, Path tokenizerDir) {
        save(classifier.toHfJson(), classifier.trunk().config(), classifier.parameters(), dir, null, tokenizerDir,
                ModelFolder.DEFAULT_MAX_SHARD_BYTES);
    }

    /**
     * Saves a score model (reward model) atomically, as {@code save_pretrained} of its class does:
     * {@code config.json} (with {@code extraConfig}'s keys added, e.g. trl4j's normalisation record),
     * the weights and the tokenizer files; no {@code generation_config.json} (the class cannot generate).
     */
    public static void saveScoreModel(ScoreModel model, Path dir, Path tokenizerDir, ObjectNode extraConfig) {
        Path staging = AtomicFiles.stagingDirectoryFor(dir);
        try {
            writeScoreModelInto(model, staging, tokenizerDir, extraConfig);
            AtomicFiles.publishDirectory(staging, dir);
        } catch (RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /** {@link #saveScoreModel} into an existing folder (no staging; for checkpoints, which stage themselves). */
    public static void writeScoreModelInto(ScoreModel model, Path dir, Path tokenizerDir, ObjectNode extraConfig) {
        ObjectNode json = model.toHfJson();
        if (extraConfig != null) {
            json.setAll(extraConfig.deepCopy());
        }
        json.put("transformers_version", TRANSFORMERS_VERSION);
        AtomicFiles.writeString(dir.resolve(ModelFolder.CONFIG), ConfigJson.toHfJson(json));
        ModelFolder.writeWeights(dir, WeightTable.entries(model.parameters(), DType.F32), ModelFolder.DEFAULT_MAX_SHARD_BYTES);
        ModelFolder.copyTokenizerFiles(tokenizerDir, dir);
    }

    /** Saves any config + parameters atomically (staging folder renamed into place). */
    public static void save(ObjectNode configJson, ModelConfig config, Parameters params, Path dir, ObjectNode generationConfig,
            Path tokenizerDir, long maxShardBytes) {
        Path staging = AtomicFiles.stagingDirectoryFor(dir);
        try {
            writeInto(configJson, config, params, staging, generationConfig, tokenizerDir, maxShardBytes);
            AtomicFiles.publishDirectory(staging, dir);
        } catch (RuntimeException e) {
            AtomicFiles.deleteRecursively(staging);
            throw e;
        }
    }

    /** Writes a language model's files into an existing folder (no staging; for callers that stage themselves). */
    public static void writeInto(LanguageModel model, Path dir, ObjectNode generationConfig, Path tokenizerDir, long maxShardBytes) {
        writeInto(model.config().toHfJson(), model.config(), model.parameters(), dir, generationConfigFor(model, generationConfig),
                tokenizerDir, maxShardBytes);
    }

    /** The given generation config, or the derived one; encoder–decoders add their decoder start id, as from_model_config does. */
    private static ObjectNode generationConfigFor(LanguageModel model, ObjectNode given) {
        if (given != null) {
            return given;
        }
        ObjectNode gen = defaultGenerationConfig(model.config());
        if (model instanceof Seq2SeqLm s2s) {
            gen.put("decoder_start_token_id", s2s.decoderStartTokenId());
        }
        return gen;
    }

    /** Writes config, generation config, weights and tokenizer files into an existing folder. */
    public static void writeInto(ObjectNode configJson, ModelConfig config, Parameters params, Path dir,
            ObjectNode generationConfig, Path tokenizerDir, long maxShardBytes) {
        ObjectNode json = configJson.deepCopy();
        json.put("transformers_version", TRANSFORMERS_VERSION);
        AtomicFiles.writeString(dir.resolve(ModelFolder.CONFIG), ConfigJson.toHfJson(json));
        ObjectNode gen = generationConfig != null ? generationConfig.deepCopy() : defaultGenerationConfig(config);
        gen.put("transformers_version", TRANSFORMERS_VERSION);
        AtomicFiles.writeString(dir.resolve(ModelFolder.GENERATION_CONFIG), ConfigJson.toHfJson(gen));
        ModelFolder.writeWeights(dir, WeightTable.entries(params, DType.F32), maxShardBytes);
        ModelFolder.copyTokenizerFiles(tokenizerDir, dir);
    }

    /** What {@code GenerationConfig.from_model_config} keeps: the special token ids. */
    public static ObjectNode defaultGenerationConfig(ModelConfig config) {
        ObjectNode gen = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        gen.put("_from_model_config", true);
        if (config.bosTokenId() != null) {
            gen.put("bos_token_id", config.bosTokenId());
        }
        if (config.eosTokenIds().size() == 1) {
            gen.put("eos_token_id", config.eosTokenIds().get(0));
        } else if (!config.eosTokenIds().isEmpty()) {
            var arr = gen.putArray("eos_token_id");
            config.eosTokenIds().forEach(arr::add);
        }
        if (config.padTokenId() != null) {
            gen.put("pad_token_id", config.padTokenId());
        }
        return gen;
    }
}
