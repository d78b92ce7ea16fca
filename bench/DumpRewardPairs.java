// Writes reward-model comparisons as token ids, encoded exactly as `trl4j reward train` encodes them
// (RewardEncoder: tokenizer(prompt + response) + EOS, documents cut to max_length as SFT cut them), for the
// plain-PyTorch replica bench/pytorch_reward_sweep.py. One line per usable pair: "kind<TAB>chosen ids<TAB>rejected ids".
//
//   ./trl4j --help >/dev/null    # builds trl4j-cli/target/trl4j-cli.jar
//   java -cp trl4j-cli/target/trl4j-cli.jar bench/DumpRewardPairs.java MODEL_DIR COMPARISONS.jsonl.gz OUT.tsv MAX_LENGTH

import java.io.PrintWriter;
import java.nio.file.Path;
import trl4j.config.TokenizerSettings.Side;
import trl4j.data.Comparison;
import trl4j.data.Datasets;
import trl4j.data.ReadOptions;
import trl4j.data.Schema;
import trl4j.tokenizer.Tokenizer;
import trl4j.train.reward.EncodedComparisons;
import trl4j.train.reward.RewardEncoder;

public class DumpRewardPairs {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: DumpRewardPairs MODEL_DIR COMPARISONS OUT.tsv MAX_LENGTH");
            System.exit(2);
        }
        Tokenizer tokenizer = Tokenizer.load(Path.of(args[0]));
        RewardEncoder encoder = new RewardEncoder(tokenizer, false, 0, Integer.parseInt(args[3]), Side.RIGHT, true);
        Datasets.Loaded<Comparison> loaded = Datasets.loadComparisons(Path.of(args[1]),
                ReadOptions.defaults().withSchema(Schema.fromFormatName("debian-comparisons")));
        EncodedComparisons pairs = EncodedComparisons.of(encoder, loaded.rows());
        try (PrintWriter out = new PrintWriter(args[2], "UTF-8")) {
            for (EncodedComparisons.Pair p : pairs.pairs()) {
                out.println(p.kind() + "\t" + ids(p.chosen().input()) + "\t" + ids(p.rejected().input()));
            }
        }
        System.out.println(pairs.size() + " pairs written to " + args[2] + " (" + pairs.identical() + " with chosen = rejected left out)");
    }

    private static String ids(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(sb.length() == 0 ? "" : " ").append(id);
        }
        return sb.toString();
    }
}
