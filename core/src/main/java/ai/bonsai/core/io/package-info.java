/**
 * Model and weight I/O: safetensors reading and atomic writing, strict loading by parameter name,
 * and Bonsai's own {@code .bonsai} bundle (graph JSON plus safetensors weights in one zip).
 */
package ai.bonsai.core.io;
