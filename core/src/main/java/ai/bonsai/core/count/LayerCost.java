package ai.bonsai.core.count;

/**
 * The width and cost of one node at the graph's current shapes.
 *
 * @param name the node's name
 * @param opType the node's op type name
 * @param inChannels channels behind the node's input handle (0 if it has none)
 * @param outChannels channels behind the node's output handle (0 if it has none)
 * @param params trainable parameter elements of the node
 * @param macs multiply-accumulates of the node in one forward pass
 */
public record LayerCost(String name, String opType, int inChannels, int outChannels, long params,
        long macs) {
}
