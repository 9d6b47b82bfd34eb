package ai.bonsai.examples;

import ai.bonsai.api.graph.Graph;
import ai.bonsai.core.exec.GraphExecutor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/** Top-1 accuracy of a classifier graph on labelled images, in eval mode. */
final class Evaluation {

    private Evaluation() {
    }

    /**
     * Classifies every image (in batches, eval mode) and counts the correct top-1 answers.
     *
     * @param graph the classifier: images {@code [n, 1, h, w]} to logits {@code [n, classes]}
     * @param images the labelled images
     * @param batchSize the batch size
     * @return the fraction of images classified correctly
     */
    static double accuracy(Graph graph, LabeledImages images, int batchSize) {
        GraphExecutor executor = new GraphExecutor(graph);
        long correct = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = images.images(manager);
            NDArray y = images.labels(manager).toType(DataType.INT64, false);
            for (int from = 0; from < images.count(); from += batchSize) {
                try (NDManager batch = manager.newSubManager()) {
                    NDIndex range = new NDIndex().addSliceDim(from,
                            Math.min(from + batchSize, images.count()));
                    NDArray logits = executor.forward(new NDList(x.get(batch, range))).head();
                    correct += logits.argMax(1).eq(y.get(batch, range)).sum().getLong();
                }
            }
        }
        return (double) correct / images.count();
    }
}
