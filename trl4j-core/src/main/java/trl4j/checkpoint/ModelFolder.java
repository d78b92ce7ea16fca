package trl4j.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Hugging Face model folder: {@code config.json}, optional {@code generation_config.json}, weights
 * as {@code model.safetensors} or shards with {@code model.safetensors.index.json}, and tokenizer
 * files. Opening checks that the folder and its config exist; weights are opened on demand.
 */
public final class ModelFolder {

    public static final String CONFIG = "config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    /** Tokenizer files copied along with a model (those that exist). */
    public static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.json", "merges.txt", "spiece.model", "tokenizer.model",
            "added_tokens.json");

    private final Path dir;

    private ModelFolder(Path dir) {
        this.dir = dir;
    }

    public static ModelFolder open(Path dir) {
        if (!Files.exists(dir)) {
            throw new CheckpointException(dir + ": model folder does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir + ": not a folder (a model is a folder with config.json and model.safetensors)");
        }
        if (!Files.isRegularFile(dir.resolve(CONFIG))) {
            throw new CheckpointException(dir + ": no config.json in the model folder");
        }
        return new ModelFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    public ConfigJson config() {
        return ConfigJson.read(dir.resolve(CONFIG));
    }

    public Optional<ConfigJson> generationConfig() {
        Path p = dir.resolve(GENERATION_CONFIG);
        return Files.isRegularFile(p) ? Optional.of(ConfigJson.read(p)) : Optional.empty();
    }

    public boolean hasTokenizer() {
        return Files.isRegularFile(dir.resolve("tokenizer.json"));
    }

    /** Opens the weights: the sharded index if present, else {@code model.safetensors}. */
    public TensorSource openWeights() {
        Path index = dir.resolve(WEIGHTS_INDEX);
        if (Files.isRegularFile(index)) {
            return ShardedTensors.open(index);
        }
        Path single = dir.resolve(WEIGHTS);
        if (Files.isRegularFile(single)) {
            return SafeTensorsFile.open(single);
        }
        boolean pickle = Files.isRegularFile(dir.resolve("pytorch_model.bin"));
        throw new CheckpointException(dir + ": no model.safetensors or " + WEIGHTS_INDEX
                + (pickle ? " (pytorch_model.bin is a pickle, which trl4j never loads; convert it to safetensors)" : ""));
    }

    /** Default shard size of {@code save_pretrained} (transformers 4.38: "5GB" = 5·10⁹ bytes). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    /**
     * Writes weights as {@code save_pretrained} does: one {@code model.safetensors} when everything
     * fits in {@code maxShardBytes}, else {@code model-0000i-of-0000n.safetensors} shards filled in
     * the given order plus the index. Stale weight files of the other layout are removed.
     */
    public static void writeWeights(Path dir, List<SafeTensorsWriter.Entry> entries, long maxShardBytes) {
        Map<String, String> metadata = Map.of("format", "pt");
        List<List<SafeTensorsWriter.Entry>> shards = new ArrayList<>();
        List<SafeTensorsWriter.Entry> current = new ArrayList<>();
        long currentBytes = 0;
        long total = 0;
        for (SafeTensorsWriter.Entry e : entries) {
            long size = e.data().remaining();
            if (!current.isEmpty() && currentBytes + size > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBytes += size;
            total += size;
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        try {
            Files.createDirectories(dir);
            if (shards.size() <= 1) {
                SafeTensorsWriter.write(dir.resolve(WEIGHTS), shards.isEmpty() ? List.of() : shards.get(0), metadata);
                deleteShardFiles(dir);
                return;
            }
            ObjectNode index = ConfigJson.JSON.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode map = index.putObject("weight_map");
            List<String> written = new ArrayList<>();
            for (int i = 0; i < shards.size(); i++) {
                String name = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
                SafeTensorsWriter.write(dir.resolve(name), shards.get(i), metadata);
                written.add(name);
                for (SafeTensorsWriter.Entry e : shards.get(i)) {
                    map.put(e.name(), name);
                }
            }
            // The index goes last: a reader that finds it finds every shard it names.
            AtomicFiles.writeString(dir.resolve(WEIGHTS_INDEX), ConfigJson.toHfJson(index));
            Files.deleteIfExists(dir.resolve(WEIGHTS));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    String n = p.getFileName().toString();
                    if (n.matches("model-\\d{5}-of-\\d{5}\\.safetensors") && !written.contains(n)) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write weights to " + dir, e);
        }
    }

    private static void deleteShardFiles(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(WEIGHTS_INDEX));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                if (p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Copies the tokenizer files that exist in {@code from} into {@code to}. */
    public static void copyTokenizerFiles(Path from, Path to) {
        if (from == null || from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            return;
        }
        for (String name : TOKENIZER_FILES) {
            Path src = from.resolve(name);
            if (Files.isRegularFile(src)) {
                AtomicFiles.copy(src, to.resolve(name));
            }
        }
    }
}
