package trl4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The stream a command's trainer logs to (progress bar, resolved config, notes): picocli's stderr writer,
 * so in-process callers and tests capture it like the command's error lines, and the terminal gets it
 * when run from {@code ./trl4j}.
 */
final class CommandLog {

    private CommandLog() {
    }

    /** A UTF-8 {@link PrintStream} onto the command's stderr writer, flushed at every line. */
    static PrintStream of(CommandSpec spec) {
        return new PrintStream(new WriterStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
    }

    /** Bytes (UTF-8) to a writer, passed on at each flush. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            writer.print(pending.toString(StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
        }
    }
}
