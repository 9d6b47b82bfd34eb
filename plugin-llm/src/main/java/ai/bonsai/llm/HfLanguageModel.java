package ai.bonsai.llm;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.api.graph.GraphBuilders;
import ai.bonsai.api.graph.GraphRunner;
import ai.bonsai.api.model.LanguageModel;
import ai.bonsai.api.model.ModelFormatException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.pf4j.Extension;

/**
 * {@code hf-decoder}: generation, perplexity and throughput of the decoder folders this plugin
 * reads (pruned or not), each task building the model for the shape it needs and running it
 * through the host's executor. There is no key/value cache yet: every generated token is one
 * forward pass over the whole window of prompt + new tokens (causal attention makes the
 * positions after the current one irrelevant to it), so decoding costs a full pass per token.
 */
@Extension
public final class HfLanguageModel implements LanguageModel {

    private final GraphBuilders builders;
    private final GraphRunner runner;

    /**
     * Creates the extension (the host injects its services).
     *
     * @param builders makes the builders of the models
     * @param runner runs them
     */
    @Inject
    public HfLanguageModel(GraphBuilders builders, GraphRunner runner) {
        this.builders = builders;
        this.runner = runner;
    }

    @Override
    public String name() {
        return "hf-decoder";
    }

    @Override
    public boolean accepts(Path model) {
        return HfFolder.supports(model);
    }

    @Override
    public List<long[]> sequences(Path model, Path file) {
        return CalibrationIds.sequences(model, file, config(model).vocabSize());
    }

    @Override
    public boolean tokenizes(Path model) {
        return HfTokenizer.present(model);
    }

    @Override
    public long[] encode(Path model, String text) {
        int vocab = config(model).vocabSize();
        try (HfTokenizer tokenizer = HfTokenizer.open(model)) {
            return tokenizer.encode(text, vocab);
        }
    }

    @Override
    public String decode(Path model, long[] ids) {
        try (HfTokenizer tokenizer = HfTokenizer.open(model)) {
            return tokenizer.decode(ids);
        }
    }

    @Override
    public long[] generate(Path model, long[] prompt, int count) {
        if (prompt.length == 0 || count < 0) {
            throw new IllegalArgumentException("generation needs a prompt of at least one id and"
                    + " a count >= 0, found " + prompt.length + " ids and count " + count);
        }
        int vocab = config(model).vocabSize();
        for (long id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new ModelFormatException("prompt id " + id + " is outside the vocabulary [0, "
                        + vocab + ") of '" + model + "'");
            }
        }
        long[] out = new long[count];
        if (count == 0) {
            return out;
        }
        int window = prompt.length + count - 1;
        long[] ids = Arrays.copyOf(prompt, window);
        try (NDManager m = NDManager.newBaseManager(); Graph g = read(model, new Shape(1, window))) {
            for (int k = 0; k < count; k++) {
                int last = prompt.length + k - 1;
                try (NDManager step = m.newSubManager()) {
                    NDArray logits = runner.forward(g, new NDList(step.create(ids, new Shape(1, window))))
                            .head();
                    out[k] = logits.get("0, " + last).argMax().getLong();
                }
                if (last + 1 < window) {
                    ids[last + 1] = out[k];
                }
            }
        }
        return out;
    }

    @Override
    public Perplexity perplexity(Path model, Path data, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, found " + batch);
        }
        LlmConfig config = config(model);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> batches = CalibrationIds.batches(
                    CalibrationIds.sequences(model, data, config.vocabSize()), batch, m);
            long length = batches.get(0).getShape().get(1);
            if (length < 2) {
                throw new ModelFormatException("token-id file '" + data + "': perplexity needs"
                        + " sequences of at least 2 ids, found " + length);
            }
            double nll = 0;
            long tokens = 0;
            int sequences = 0;
            try (Graph g = read(model, new Shape(batch, length))) {
                for (NDArray ids : batches) {
                    try (NDManager step = m.newSubManager()) {
                        ids.attach(step);
                        NDArray logits = runner.forward(g, new NDList(ids)).head();
                        NDArray logp = logits.get(":, :-1, :").logSoftmax(-1);
                        NDArray next = ids.get(":, 1:").expandDims(-1);
                        nll -= logp.gather(next, 2).toType(DataType.FLOAT64, false).sum().getDouble();
                        tokens += next.size();
                        sequences += Math.toIntExact(ids.getShape().get(0));
                    }
                }
            }
            double mean = nll / tokens;
            return new Perplexity(Math.exp(mean), mean, tokens, sequences, Math.toIntExact(length));
        }
    }

    @Override
    public Throughput throughput(Path model, int batch, int promptLength, int newTokens, int runs) {
        if (batch < 1 || promptLength < 1 || newTokens < 1 || runs < 1) {
            throw new IllegalArgumentException("throughput needs batch, prompt length, new tokens"
                    + " and runs >= 1, found " + batch + ", " + promptLength + ", " + newTokens
                    + ", " + runs);
        }
        int vocab = config(model).vocabSize();
        double prefill = batch * promptLength / medianSeconds(model, batch, promptLength, vocab, runs);
        double decode = batch / medianSeconds(model, batch, promptLength + newTokens - 1, vocab, runs);
        return new Throughput(batch, promptLength, newTokens, prefill, decode);
    }

    /**
     * The median time of one forward pass over [batch, length] seeded random ids, after a warm-up
     * (DJL's PyTorch engine computes eagerly: the pass is done when the call returns).
     */
    private double medianSeconds(Path model, int batch, int length, int vocab, int runs) {
        Random random = new Random(0);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(vocab);
        }
        double[] seconds = new double[runs];
        try (NDManager m = NDManager.newBaseManager(); Graph g = read(model, new Shape(batch, length))) {
            for (int r = -1; r < runs; r++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.create(ids, new Shape(batch, length));
                    long start = System.nanoTime();
                    runner.forward(g, new NDList(x));
                    if (r >= 0) {
                        seconds[r] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        }
        Arrays.sort(seconds);
        return seconds[runs / 2];
    }

    private LlmConfig config(Path model) {
        if (!HfFolder.supports(model)) {
            throw new ModelFormatException("'" + model + "' is not a decoder folder ("
                    + HfFolder.CONFIG + " with model_type " + LlmConfig.MODEL_TYPES + ")");
        }
        return ConfigReader.read(model.resolve(HfFolder.CONFIG));
    }

    private Graph read(Path model, Shape ids) {
        return HfFolder.read(model, builders.newBuilder(model.getFileName().toString(), 0), ids);
    }
}
