package trl4j.train.sft;

import java.util.List;
import trl4j.model.LanguageModel;
import trl4j.model.Seq2SeqLm;

/**
 * Encoded examples → {@link SftBatch} for one model: causal or encoder–decoder layout, the pad id
 * (never attended and never a target, but it must be a valid id), the decoder start id.
 *
 * @param completionOnly causal models: loss on completion tokens only (TRL's {@code completion_only_loss})
 */
public record SftCollator(boolean seq2seq, long padId, long decoderStartId, boolean completionOnly) {

    /** The collator of a model: its pad id, else its first EOS id, else 0. */
    public static SftCollator of(LanguageModel model, boolean completionOnly) {
        Integer pad = model.config().padTokenId();
        long padId = pad != null ? pad : model.config().eosTokenIds().isEmpty() ? 0 : model.config().eosTokenIds().get(0);
        boolean seq2seq = model instanceof Seq2SeqLm;
        long start = seq2seq ? ((Seq2SeqLm) model).decoderStartTokenId() : -1;
        return new SftCollator(seq2seq, padId, start, completionOnly);
    }

    public SftBatch collate(List<SftEncoder.Example> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        return seq2seq ? SftBatch.seq2seq(examples, padId, decoderStartId) : SftBatch.causal(examples, padId, completionOnly);
    }
}
