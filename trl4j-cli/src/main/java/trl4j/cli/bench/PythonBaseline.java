package trl4j.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plain-PyTorch baseline script from {@code bench/} (Debian's python3 and python3-torch) and
 * returns the JSON object it prints. Run in the same command as our side, so both see the same
 * machine load.
 */
public final class PythonBaseline {

    private PythonBaseline() {}

    /** The repository root: set by the launcher, else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("trl4j.home", ".")).toAbsolutePath().normalize();
    }

    public static JsonNode run(String script, int threads, List<String> args) throws IOException, InterruptedException {
        Path file = home().resolve("bench").resolve(script);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": baseline script not found (run from the repository, or pass --no-baseline)");
        }
        // Debian's interpreter: its python3-torch is the baseline (a pyenv python has no torch).
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> cmd = new ArrayList<>(List.of(python, file.toString(), "--threads", String.valueOf(threads)));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // Two OpenMP threads spin-wait against each other on 2 cores unless told to sleep.
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException("baseline " + script + " failed with exit code " + code);
        }
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        return new ObjectMapper().readTree(last);
    }
}
