/**
 * The built-in op types, one file each, registered as PF4J extensions, with the helpers they
 * share ({@code Shapes}, {@code Channels}, {@code Pieces}, {@code Norms}, {@code ChannelGroups},
 * {@code TransposedConvolution}), and {@link ai.bonsai.core.ops.PruningFunctions}, Torch-Pruning's
 * low-level pruning functions as thin calls to the op types.
 */
package ai.bonsai.core.ops;
