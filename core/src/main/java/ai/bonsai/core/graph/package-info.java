/**
 * The in-memory graph IR: {@link ai.bonsai.core.graph.DefaultGraph}, its nodes, values and
 * parameters, the {@link ai.bonsai.core.graph.DefaultGraphBuilder} and the node editors pruning
 * functions use: {@link ai.bonsai.core.graph.DefaultNodeEditor} removes entries,
 * {@link ai.bonsai.core.graph.MaskingNodeEditor} zeroes them (soft pruning).
 */
package ai.bonsai.core.graph;
