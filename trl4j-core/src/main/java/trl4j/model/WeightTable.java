package trl4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import trl4j.checkpoint.CheckpointException;
import trl4j.checkpoint.DType;
import trl4j.checkpoint.SafeTensorsWriter;
import trl4j.checkpoint.TensorInfo;
import trl4j.checkpoint.TensorSource;

/**
 * The explicit checkpoint mapping of one architecture: which tensors a model of a given config has
 * (in state-dict order, i.e. the order {@code save_pretrained} writes shards in), which extra names a
 * checkpoint may carry that Hugging Face ignores too (tied aliases, old buffers), and how old naming
 * schemes map to the current one. Loading is all-or-nothing and names every problem.
 */
public final class WeightTable {

    private final List<WeightSpec> specs;
    private final List<Pattern> ignored;
    private final List<String> ignoredPatterns;
    private final Function<String, String> rename;

    /**
     * @param specs tensors the model has, in state-dict order
     * @param ignored names a checkpoint may contain that are skipped (regexes, full match)
     * @param rename maps a checkpoint name to ours (e.g. adds GPT-2's missing {@code transformer.} prefix)
     */
    public WeightTable(List<WeightSpec> specs, List<String> ignored, Function<String, String> rename) {
        this.specs = List.copyOf(specs);
        this.ignored = ignored.stream().map(Pattern::compile).toList();
        this.ignoredPatterns = List.copyOf(ignored);
        this.rename = rename;
    }

    public List<WeightSpec> specs() {
        return specs;
    }

    /** Regexes of checkpoint names that are skipped on load. */
    public List<String> ignoredPatterns() {
        return ignoredPatterns;
    }

    /** How checkpoint names map to ours (kept when a table is derived from another). */
    public Function<String, String> renamer() {
        return rename;
    }

    /**
     * Reads every expected tensor into a new {@link Parameters}. Missing, unexpected and mis-shaped
     * tensors are all collected and reported in one message.
     */
    public Parameters load(TensorSource source, NDManager parent) {
        Map<String, String> fileNameFor = check(source);
        NDManager manager = parent.newSubManager();
        Parameters params = new Parameters(manager);
        try {
            for (WeightSpec spec : specs) {
                NDArray a = source.read(fileNameFor.get(spec.name()), manager);
                if (spec.transposed()) {
                    NDArray t = a.transpose().duplicate(); // contiguous (out, in)
                    a.close();
                    a = t;
                }
                params.put(spec, a);
            }
        } catch (RuntimeException e) {
            params.close();
            throw e;
        }
        return params;
    }

    /**
     * Checks names, shapes and dtypes from the headers alone (no data is read) and returns, for each
     * expected tensor, its name in the checkpoint.
     */
    public Map<String, String> check(TensorSource source) {
        Map<String, String> fileNameFor = new LinkedHashMap<>();
        Set<String> unexpected = new LinkedHashSet<>();
        Map<String, WeightSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String fileName : source.names()) {
            String ours = rename.apply(fileName);
            if (byName.containsKey(ours)) {
                if (fileNameFor.containsKey(ours)) {
                    throw new CheckpointException(source.fileOf(fileName) + ": tensors '" + fileNameFor.get(ours)
                            + "' and '" + fileName + "' both map to '" + ours + "'");
                }
                fileNameFor.put(ours, fileName);
            } else if (ignored.stream().noneMatch(p -> p.matcher(fileName).matches() || p.matcher(ours).matches())) {
                unexpected.add(fileName);
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> missing = specs.stream().map(WeightSpec::name).filter(n -> !fileNameFor.containsKey(n)).toList();
        if (!missing.isEmpty()) {
            problems.add("missing tensors " + abbreviate(missing));
        }
        if (!unexpected.isEmpty()) {
            problems.add("unexpected tensors " + abbreviate(new ArrayList<>(unexpected)));
        }
        for (WeightSpec spec : specs) {
            String fileName = fileNameFor.get(spec.name());
            if (fileName == null) {
                continue;
            }
            TensorInfo info = source.info(fileName);
            if (!Arrays.equals(info.shape(), spec.fileShape())) {
                problems.add("tensor '" + fileName + "' has shape " + info.shapeString() + ", expected "
                        + Arrays.toString(spec.fileShape()));
            } else if (!info.dtype().isFloating()) {
                problems.add("tensor '" + fileName + "' has dtype " + info.dtype() + ", expected a floating type");
            }
        }
        if (!problems.isEmpty()) {
            String where = source.names().isEmpty() ? "checkpoint" : source.fileOf(source.names().iterator().next());
            throw new CheckpointException(where + ": " + String.join("; ", problems));
        }
        return fileNameFor;
    }

    /** Encodes parameters for saving, in state-dict order, in the file's layout. */
    public static List<SafeTensorsWriter.Entry> entries(Parameters params, DType dtype) {
        List<SafeTensorsWriter.Entry> out = new ArrayList<>();
        for (String name : params.names()) {
            WeightSpec spec = params.spec(name);
            NDArray a = params.get(name);
            if (spec.transposed()) {
                try (NDArray t = a.transpose().duplicate()) {
                    out.add(SafeTensorsWriter.array(name, t, dtype));
                }
            } else {
                out.add(SafeTensorsWriter.array(name, a, dtype));
            }
        }
        return out;
    }

    /** Creates parameters from freshly initialised arrays (for models trained from scratch). */
    public Parameters create(NDManager parent, Function<WeightSpec, NDArray> init) {
        NDManager manager = parent.newSubManager();
        Parameters params = new Parameters(manager);
        for (WeightSpec spec : specs) {
            NDArray a = init.apply(spec);
            if (!Arrays.equals(a.getShape().getShape(), spec.memoryShape())) {
                throw new IllegalStateException("initialiser gave " + a.getShape() + " for " + spec);
            }
            params.put(spec, a);
        }
        return params;
    }

    private static String abbreviate(List<String> names) {
        if (names.size() <= 6) {
            return "'" + String.join("', '", names) + "'";
        }
        return "'" + String.join("', '", names.subList(0, 6)) + "' and " + (names.size() - 6) + " more";
    }
}
