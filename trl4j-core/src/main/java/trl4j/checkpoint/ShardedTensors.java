package trl4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, described by
 * {@code model.safetensors.index.json} ({@code {"metadata": {"total_size": N}, "weight_map": {name →
 * file}}}). Every shard is opened and validated up front, and the index must agree with the shards.
 */
public final class ShardedTensors implements TensorSource {

    private final Map<String, SafeTensorsFile> byName;
    private final List<SafeTensorsFile> shards;

    private ShardedTensors(Map<String, SafeTensorsFile> byName, List<SafeTensorsFile> shards) {
        this.byName = byName;
        this.shards = shards;
    }

    public static ShardedTensors open(Path indexFile) {
        ConfigJson index = ConfigJson.read(indexFile);
        JsonNode map = index.getNode("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(indexFile + ": missing 'weight_map' object");
        }
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafeTensorsFile> files = new LinkedHashMap<>();
        Map<String, SafeTensorsFile> byName = new LinkedHashMap<>();
        try {
            for (var it = map.fields(); it.hasNext(); ) {
                var e = it.next();
                String shardName = e.getValue().asText();
                if (shardName.contains("/") || shardName.contains("\\")) {
                    throw new CheckpointException(indexFile + ": shard name '" + shardName + "' must be a plain file name");
                }
                SafeTensorsFile shard = files.get(shardName);
                if (shard == null) {
                    Path p = dir.resolve(shardName);
                    if (!Files.isRegularFile(p)) {
                        throw new CheckpointException(indexFile + ": shard '" + shardName + "' of tensor '" + e.getKey() + "' does not exist");
                    }
                    shard = SafeTensorsFile.open(p);
                    files.put(shardName, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new CheckpointException(shard.path() + ": index says it holds tensor '" + e.getKey() + "' but it does not");
                }
                byName.put(e.getKey(), shard);
            }
            for (SafeTensorsFile shard : files.values()) {
                for (String name : shard.names()) {
                    if (byName.get(name) != shard) {
                        throw new CheckpointException(shard.path() + ": tensor '" + name + "' is not listed for this file in " + indexFile.getFileName());
                    }
                }
            }
        } catch (RuntimeException e) {
            files.values().forEach(SafeTensorsFile::close);
            throw e;
        }
        return new ShardedTensors(Collections.unmodifiableMap(byName), new ArrayList<>(files.values()));
    }

    private SafeTensorsFile shard(String name) {
        SafeTensorsFile f = byName.get(name);
        if (f == null) {
            throw new CheckpointException("sharded checkpoint: no tensor named '" + name + "'");
        }
        return f;
    }

    @Override
    public Set<String> names() {
        return new LinkedHashSet<>(byName.keySet());
    }

    @Override
    public TensorInfo info(String name) {
        return shard(name).info(name);
    }

    @Override
    public String fileOf(String name) {
        return shard(name).path().toString();
    }

    @Override
    public Map<String, String> metadata() {
        return shards.isEmpty() ? Map.of() : shards.get(0).metadata();
    }

    @Override
    public NDArray read(String name, NDManager manager) {
        return shard(name).read(name, manager);
    }

    @Override
    public float[] readFloats(String name) {
        return shard(name).readFloats(name);
    }

    @Override
    public long[] readLongs(String name) {
        return shard(name).readLongs(name);
    }

    public int shardCount() {
        return shards.size();
    }

    @Override
    public void close() {
        shards.forEach(SafeTensorsFile::close);
    }
}
