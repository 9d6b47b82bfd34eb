package ai.bonsai.api.op;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Settings of one forward pass, handed to {@link OpType#forward}.
 *
 * <p>Kernels that need a constant operand take it from {@link #scalar(double, NDArray)}, never
 * from DJL's number overloads ({@code x.mul(0.5)}, {@code x.div(n)}, {@code Activation.relu6}):
 * on the PyTorch engine those wrap the number in a temporary tensor backed by Java memory and
 * close it right after the operation, while autograd keeps using it for the backward pass; once
 * the garbage collector frees that memory, gradients read whatever lies there (NaN, huge values).
 */
public interface ForwardContext {

    /**
     * Tells whether the pass runs in training mode (batch norm uses batch statistics and updates
     * its running statistics; dropout drops).
     *
     * @return true in training mode
     */
    boolean training();

    /**
     * Returns the manager that owns this pass's temporaries. In training mode it stays open until
     * the inputs' manager is closed (after the backward pass), so constants created here may be
     * operands that autograd saves.
     *
     * @return the manager
     */
    NDManager manager();

    /**
     * Returns a 0-dimensional constant of {@code like}'s data type, allocated by the engine (not
     * backed by Java memory) and owned by this pass, safe to use as an operand that autograd
     * saves for the backward pass.
     *
     * @param value the value
     * @param like an array whose data type the constant takes
     * @return the constant
     */
    default NDArray scalar(double value, NDArray like) {
        return manager().full(new Shape(), (float) value, like.getDataType());
    }
}
