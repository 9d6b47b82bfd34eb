package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Node;
import ai.bonsai.api.graph.Value;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A tensor edge; its shape and channel dimension are refreshed by shape inference. */
public final class DefaultValue implements Value {

    private final String name;
    private final DefaultNode producer;
    private final List<Node> consumers = new ArrayList<>();
    private Shape shape;
    private int channelDim;

    DefaultValue(String name, DefaultNode producer, Shape shape, int channelDim) {
        this.name = name;
        this.producer = producer;
        this.shape = shape;
        this.channelDim = channelDim;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public int channelDim() {
        return channelDim;
    }

    @Override
    public Optional<Node> producer() {
        return Optional.ofNullable(producer);
    }

    @Override
    public List<Node> consumers() {
        return Collections.unmodifiableList(consumers);
    }

    void addConsumer(Node node) {
        consumers.add(node);
    }

    void update(Shape newShape, int newChannelDim) {
        this.shape = newShape;
        this.channelDim = newChannelDim;
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
