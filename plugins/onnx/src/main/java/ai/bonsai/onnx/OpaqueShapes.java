package ai.bonsai.onnx;

import ai.bonsai.api.graph.Attributes;
import ai.bonsai.api.graph.GraphException;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stores a list of static shapes in two integer-list attributes ({@code output_ranks} and the
 * concatenated {@code output_dims}), since attributes hold flat lists only.
 */
final class OpaqueShapes {

    private OpaqueShapes() {
    }

    /**
     * Adds shapes to attributes.
     *
     * @param a the attributes
     * @param shapes the shapes
     * @return the attributes with {@code output_ranks} and {@code output_dims}
     */
    static Attributes encode(Attributes a, List<Shape> shapes) {
        long[] ranks = new long[shapes.size()];
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = shapes.get(i).dimension();
            for (long d : shapes.get(i).getShape()) {
                dims.add(d);
            }
        }
        return a.with("output_ranks", ranks)
                .with("output_dims", dims.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Reads shapes back.
     *
     * @param a the attributes
     * @return the shapes
     * @throws GraphException if the two lists disagree
     */
    static List<Shape> decode(Attributes a) {
        long[] ranks = a.getLongs("output_ranks");
        long[] dims = a.getLongs("output_dims");
        List<Shape> shapes = new ArrayList<>();
        int at = 0;
        for (long rank : ranks) {
            if (rank < 0 || at + rank > dims.length) {
                throw new GraphException("output_ranks " + Arrays.toString(ranks)
                        + " do not match output_dims " + Arrays.toString(dims));
            }
            shapes.add(new Shape(Arrays.copyOfRange(dims, at, at + (int) rank)));
            at += (int) rank;
        }
        if (at != dims.length) {
            throw new GraphException("output_ranks " + Arrays.toString(ranks)
                    + " do not match output_dims " + Arrays.toString(dims));
        }
        return shapes;
    }
}
