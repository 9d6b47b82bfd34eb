/**
 * The {@code bonsai} command-line tool (picocli): {@link ai.bonsai.cli.BonsaiCli} is the entry
 * point, {@link ai.bonsai.cli.DemoCommand} the {@code demo} subcommand, and {@link
 * ai.bonsai.cli.Demo} the demo's logic, usable without the command line. {@code prune} and {@code
 * plan check} run pruning plans on the embedding API ({@link ai.bonsai.core.embed.Bonsai}), as
 * {@code serve} does.
 */
package ai.bonsai.cli;
