/**
 * Bonsai's public contracts: the root exception types. Sub-packages hold the graph IR ({@code
 * graph}), op types ({@code op}), pruning groups and index sets ({@code prune}), importance
 * criteria ({@code importance}), pruners ({@code pruner}), model formats and adapters ({@code
 * model}) and plugin support ({@code plugin}).
 */
package ai.bonsai.api;
