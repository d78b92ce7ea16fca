package trl4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the command line in-process and captures what it prints. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The golden test resources live in trl4j-core (tests run with the module folder as working directory). */
    static Path golden(String relative) {
        return Path.of("..", "trl4j-core", "src", "test", "resources", "golden").resolve(relative).toAbsolutePath().normalize();
    }

    /** Lines of stderr. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.strip().split("\n");
    }
}
