/**
 * ONNX import and export for Bonsai, as a PF4J plugin.
 *
 * <p>{@link ai.bonsai.onnx.OnnxFormat} reads an ONNX model (IR v7 to v10, default-domain opsets 11
 * to 21) into Bonsai's graph IR and writes a (pruned) graph back to ONNX. Nodes are named after the
 * PyTorch modules their initializers come from ({@code conv1.weight} gives node {@code conv1});
 * ops without channel semantics are kept as {@code onnx_opaque} nodes that block channel pruning
 * through them, and constant inputs Bonsai has no op for become {@code onnx_constant} nodes.
 * Each op family is read and written by one {@link ai.bonsai.api.onnx.OnnxOpCodec}; codecs of
 * other plugins, found through the host, come first (see {@code docs/onnx.md}).
 */
package ai.bonsai.onnx;
