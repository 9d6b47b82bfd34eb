package ai.bonsai.core.graph;

import ai.bonsai.api.graph.Parameter;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A parameter held in memory as a DJL array owned by its graph's manager. */
public final class DefaultParameter implements Parameter {

    private final String name;
    private final boolean trainable;
    private NDArray data;

    /**
     * Creates a parameter.
     *
     * @param name the full name
     * @param trainable whether it is a trained weight
     * @param data the data, owned by the graph's manager
     */
    public DefaultParameter(String name, boolean trainable, NDArray data) {
        this.name = name;
        this.trainable = trainable;
        this.data = data;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape shape() {
        return data.getShape();
    }

    @Override
    public DataType dataType() {
        return data.getDataType();
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public NDArray array() {
        return data;
    }

    /**
     * Replaces the data (after pruning or loading) and closes the old array.
     *
     * @param newData the new data, owned by the graph's manager
     */
    public void replace(NDArray newData) {
        NDArray old = data;
        data = newData;
        if (old != newData) {
            old.close();
        }
    }

    @Override
    public String toString() {
        return name + " " + shape();
    }
}
