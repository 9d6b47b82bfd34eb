/**
 * Pruning reports: what a run did ({@link ai.bonsai.core.report.PruningReport}: figures, per-layer
 * table, pruned groups) and its self-contained HTML page ({@link ai.bonsai.core.report.ReportPage}),
 * shared by the command line and the pruning service.
 */
package ai.bonsai.core.report;
