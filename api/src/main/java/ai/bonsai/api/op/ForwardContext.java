package ai.bonsai.api.op;

import ai.djl.ndarray.NDManager;

/** Settings of one forward pass, handed to {@link OpType#forward}. */
public interface ForwardContext {

    /**
     * Tells whether the pass runs in training mode (batch norm uses batch statistics and updates
     * its running statistics; dropout drops).
     *
     * @return true in training mode
     */
    boolean training();

    /**
     * Returns the manager that owns this pass's temporaries.
     *
     * @return the manager
     */
    NDManager manager();
}
