package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Parameter;
import ai.bonsai.api.graph.Value;
import ai.bonsai.api.op.OpType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node of a {@link DefaultGraph}; attributes and parameters change only through pruning. */
public final class DefaultNode implements Node {

    private final String name;
    private final OpType op;
    private final List<Value> inputs;
    private List<Value> outputs = List.of();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private Attributes attributes;

    DefaultNode(String name, OpType op, Attributes attributes, List<Value> inputs) {
        this.name = name;
        this.op = op;
        this.attributes = attributes;
        this.inputs = List.copyOf(inputs);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public OpType op() {
        return op;
    }

    @Override
    public Attributes attributes() {
        return attributes;
    }

    @Override
    public List<Value> inputs() {
        return inputs;
    }

    @Override
    public List<Value> outputs() {
        return outputs;
    }

    @Override
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public Parameter parameter(String localName) {
        Parameter p = parameters.get(localName);
        if (p == null) {
            throw new GraphException("node '" + name + "' (" + op.name() + ") has no parameter '"
                    + localName + "'; it has " + parameters.keySet());
        }
        return p;
    }

    /**
     * Returns a parameter as the in-memory implementation, for editing.
     *
     * @param localName the local name
     * @return the parameter
     */
    public DefaultParameter defaultParameter(String localName) {
        return (DefaultParameter) parameter(localName);
    }

    void addParameter(String localName, Parameter parameter) {
        parameters.put(localName, parameter);
    }

    void setOutputs(List<Value> outputs) {
        this.outputs = List.copyOf(outputs);
    }

    void setAttributes(Attributes attributes) {
        this.attributes = attributes;
    }

    @Override
    public String toString() {
        return name + " (" + op.name() + ")";
    }
}
