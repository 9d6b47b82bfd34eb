/**
 * Built-in pruners and regularizers: Torch-Pruning 1.6's {@link
 * ai.bonsai.core.pruner.MetaPruner} (local, global, isomorphic and per-pattern ranking scopes,
 * schedules, {@code roundTo}, channel groups, attention heads, soft pruning), {@link
 * ai.bonsai.core.pruner.BudgetSearch} for MACs or parameter targets, and the sparse-training
 * regularizers {@code bnscale}, {@code group_norm} and {@code growing_reg}.
 */
package ai.bonsai.core.pruner;
