package ai.bonsai.core.embed;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.count.ModelCost;
import ai.bonsai.core.count.OpCounter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A model loaded by {@link Bonsai}: its graph, and a way to make independent copies of it, so
 * that several runs can prune one model at once (each run prunes its own copy). Close it to free
 * its native memory; {@link Bonsai#close} closes the models still open.
 */
public final class BonsaiModel implements AutoCloseable {

    private final String name;
    private final Optional<Path> origin;
    private final Graph graph;
    private final Supplier<Graph> copies;
    private final Consumer<BonsaiModel> onClose;
    private boolean closed;

    BonsaiModel(String name, Optional<Path> origin, Graph graph, Supplier<Graph> copies,
            Consumer<BonsaiModel> onClose) {
        this.name = name;
        this.origin = origin;
        this.graph = graph;
        this.copies = copies;
        this.onClose = onClose;
    }

    /**
     * Returns the model's name (its file name, or the architecture).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the file or folder the model was read from; for a pruned model, that of the model
     * it was pruned from (whose tokenizer, for instance, it shares). Empty for a model an adapter
     * built.
     *
     * @return the origin
     */
    public Optional<Path> origin() {
        return origin;
    }

    /**
     * Returns the model's graph. Do not prune it in place while runs copy it.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Counts the model's parameters and multiply-accumulates.
     *
     * @return params and MACs
     */
    public ModelCost cost() {
        return OpCounter.count(graph);
    }

    /**
     * Returns a new, independent graph equal to this model's (from its source, or through a
     * temporary bundle for a pruned model). The caller closes it.
     *
     * @return the copy
     */
    Graph copyGraph() {
        return copies.get();
    }

    /** Frees the model's native memory; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            graph.close();
            onClose.accept(this);
        }
    }
}
