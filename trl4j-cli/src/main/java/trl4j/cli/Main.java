package trl4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code trl4j} command. Each pipeline stage is a subcommand; every one is a thin layer over a
 * library call. Errors a user can fix print one line and exit non-zero; {@code --debug} adds the
 * stack trace.
 */
@Command(name = "trl4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "RLHF on the JVM: supervised fine-tuning, reward modelling and PPO for Hugging Face checkpoints.",
        subcommands = {
            PipelineCommand.class,
            SftCommand.class,
            RewardCommand.class,
            PlotCommand.class,
            PpoCommand.class,
            GenerateCommand.class,
            InspectCommand.class,
            BenchCommand.class,
            DataCommand.class,
            EvalCommand.class,
            TokenizerCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print full stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // UTF-8 whatever the platform default: prompts and generations are arbitrary Unicode.
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err));
    }

    /** Runs the command line and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } catch (Error e) { // e.g. a native library failure: still one line unless --debug
            if (java.util.Arrays.asList(args).contains("--debug")) {
                e.printStackTrace(err);
            }
            err.println("trl4j: error: " + Errors.describe(e));
            err.flush();
            return Errors.INTERNAL_ERROR;
        }
    }

    /** The configured picocli command tree. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    static boolean debugRequested(CommandLine.ParseResult result) {
        CommandLine.ParseResult r = result;
        while (r != null) {
            if (r.hasMatchedOption("--debug")) {
                return true;
            }
            r = r.subcommand();
        }
        return false;
    }

    /** One line on stderr for an error a user can act on; the trace only with --debug. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            if (debugRequested(topLevel(cmd).getParseResult())) {
                ex.printStackTrace(err);
            }
            err.println("trl4j: error: " + Errors.describe(ex));
            err.flush();
            return Errors.exitCode(ex);
        }

        private static CommandLine topLevel(CommandLine cmd) {
            CommandLine c = cmd;
            while (c.getParent() != null) {
                c = c.getParent();
            }
            return c;
        }
    }

    /** Version from the build (resource filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"trl4j " + p.getProperty("version", "unknown")};
        }
    }
}
