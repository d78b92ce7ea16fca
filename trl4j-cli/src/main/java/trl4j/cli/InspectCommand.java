package trl4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "(in progress)")
final class InspectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 4;
    }
}
