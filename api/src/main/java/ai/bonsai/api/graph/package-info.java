/**
 * The graph IR: {@link ai.bonsai.api.graph.Graph}, {@link ai.bonsai.api.graph.Node}, {@link
 * ai.bonsai.api.graph.Value}, {@link ai.bonsai.api.graph.Parameter} and the {@link
 * ai.bonsai.api.graph.GraphBuilder} DSL contract that plugins use to build models.
 */
package ai.bonsai.api.graph;
