package trl4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trl4j.data.ReadOptions;
import trl4j.data.ReadSummary;
import trl4j.data.TextCorpus;
import trl4j.tokenizer.BpeTrainer;
import trl4j.tokenizer.BpeTrainerConfig;
import trl4j.tokenizer.Tokenizer;
import trl4j.tokenizer.TrainedBpe;

/** {@code trl4j tokenizer}: train a tokenizer on your own text. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Tokenizers.",
        subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a byte-level BPE tokenizer (GPT-2 scheme) and write tokenizer.json + tokenizer_config.json.")
    static final class Train implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--input", required = true, arity = "1..*", paramLabel = "FILE",
                description = "Text files (one text per line) or data files (their prompts and completions)")
        List<Path> inputs = new ArrayList<>();

        @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "8192",
                description = "Vocabulary size, special and byte tokens included (default 8192)")
        int vocabSize;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--pad-token", defaultValue = "<pad>")
        String pad;

        @Option(names = "--eos-token", defaultValue = "<eos>")
        String eos;

        @Option(names = "--unk-token", defaultValue = "<unk>")
        String unk;

        @Option(names = "--bos-token", description = "Optional beginning-of-sequence token")
        String bos;

        @Option(names = "--special-token", paramLabel = "TOKEN", description = "Extra special token (repeatable)")
        List<String> extra = new ArrayList<>();

        @Option(names = "--min-frequency", defaultValue = "2", description = "Merge only pairs seen this often (default 2)")
        int minFrequency;

        @Override
        public Integer call() throws Exception {
            PrintWriter pw = spec.commandLine().getOut();
            BpeTrainer trainer = new BpeTrainer(new BpeTrainerConfig(vocabSize, pad, eos, unk, bos, extra, minFrequency));
            long start = System.nanoTime();
            long[] texts = {0};
            for (Path input : inputs) { // streamed: only the word counts stay in memory
                ReadSummary summary = TextCorpus.forEachText(input, ReadOptions.defaults(), t -> {
                    trainer.add(t);
                    texts[0]++;
                });
                pw.println(summary != null ? summary.line() : input + ": read as plain text lines");
            }
            TrainedBpe bpe = trainer.train();
            double seconds = (System.nanoTime() - start) / 1e9;
            bpe.save(out);
            pw.printf(Locale.ROOT, "trained on %d texts (%d pre-tokens, %d distinct words): vocab %d, %d merges"
                    + " in %.1f s (merging %.1f s)%n", texts[0], bpe.stats().preTokens(), bpe.stats().distinctWords(),
                    bpe.vocabSize(), bpe.stats().merges(), seconds, bpe.stats().seconds());
            try (Tokenizer tok = Tokenizer.load(out)) { // the written files must load: report through them
                for (Path input : inputs) {
                    pw.println(averageTokens(tok, input));
                }
            }
            pw.println("wrote " + out.resolve("tokenizer.json") + ", tokenizer_config.json, special_tokens_map.json");
            pw.flush();
            return 0;
        }

        /** Mean tokens per text of one input, encoded in batches by the written tokenizer. */
        private static String averageTokens(Tokenizer tok, Path input) {
            List<String> batch = new ArrayList<>();
            long[] totals = {0, 0};
            Runnable flush = () -> {
                for (long[] ids : tok.encodeBatch(batch, false)) {
                    totals[0] += ids.length;
                }
                totals[1] += batch.size();
                batch.clear();
            };
            TextCorpus.forEachText(input, ReadOptions.defaults(), t -> {
                batch.add(t);
                if (batch.size() == 1024) {
                    flush.run();
                }
            });
            flush.run();
            return String.format(Locale.ROOT, "%s: %.2f tokens per text on average (%d texts)", input,
                    totals[1] == 0 ? 0.0 : (double) totals[0] / totals[1], totals[1]);
        }
    }
}
