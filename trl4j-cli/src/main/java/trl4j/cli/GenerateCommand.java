package trl4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "(in progress)")
final class GenerateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 4;
    }
}
