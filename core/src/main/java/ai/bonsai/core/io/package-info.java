/** Weight I/O: safetensors reading and atomic writing, strict loading by parameter name. */
package ai.bonsai.core.io;
