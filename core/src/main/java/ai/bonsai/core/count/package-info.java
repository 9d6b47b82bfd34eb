/** Parameter and MAC counting with Torch-Pruning's conventions. */
package ai.bonsai.core.count;
