package ai.bonsai.api.graph;

import ai.bonsai.api.op.OpType;
import java.util.List;
import java.util.Map;

/**
 * One operation in a {@link Graph}: its op type, attributes, input and output values and the
 * parameters it owns.
 */
public interface Node {

    /**
     * Returns the node name, unique in its graph (e.g. {@code layer1.0.conv1}).
     *
     * @return the name
     */
    String name();

    /**
     * Returns the op type that defines shapes, forward, channel semantics and pruning.
     *
     * @return the op type
     */
    OpType op();

    /**
     * Returns the node's attributes.
     *
     * @return the attributes
     */
    Attributes attributes();

    /**
     * Returns the input values in slot order.
     *
     * @return the inputs
     */
    List<Value> inputs();

    /**
     * Returns the output values in slot order.
     *
     * @return the outputs
     */
    List<Value> outputs();

    /**
     * Returns the parameters keyed by local name ({@code weight}, {@code bias}, ...).
     *
     * @return the parameters
     */
    Map<String, Parameter> parameters();

    /**
     * Returns one parameter.
     *
     * @param localName the local name, such as {@code weight}
     * @return the parameter
     * @throws GraphException if the node has no such parameter
     */
    Parameter parameter(String localName);

    /**
     * Tells whether the node owns a parameter.
     *
     * @param localName the local name
     * @return true if present
     */
    default boolean hasParameter(String localName) {
        return parameters().containsKey(localName);
    }

    /**
     * Returns the single input value.
     *
     * @return input 0
     */
    default Value input() {
        return inputs().get(0);
    }

    /**
     * Returns the single output value.
     *
     * @return output 0
     */
    default Value output() {
        return outputs().get(0);
    }
}
