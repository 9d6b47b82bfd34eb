/** Built-in pruners: Torch-Pruning's MetaPruner with local ranking and a linear schedule. */
package ai.bonsai.core.pruner;
