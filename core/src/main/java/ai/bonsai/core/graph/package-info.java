/**
 * The in-memory graph IR: {@link ai.bonsai.core.graph.DefaultGraph}, its nodes, values and
 * parameters, the {@link ai.bonsai.core.graph.DefaultGraphBuilder} and the node editor pruning
 * functions use.
 */
package ai.bonsai.core.graph;
