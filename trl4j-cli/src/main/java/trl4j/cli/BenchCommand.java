package trl4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "(in progress)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 4;
    }
}
