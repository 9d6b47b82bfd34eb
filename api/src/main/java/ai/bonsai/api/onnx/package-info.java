/**
 * The ONNX plugin's extension point: an {@link ai.bonsai.api.onnx.OnnxOpCodec} teaches the ONNX
 * importer and writer one op family, so that a plugin jar can read and write its own op types
 * (including nodes of a custom domain). Nothing here depends on the ONNX protobuf classes: nodes
 * are seen as {@link ai.bonsai.api.onnx.OnnxNode} records with plain Java attribute values.
 */
package ai.bonsai.api.onnx;
