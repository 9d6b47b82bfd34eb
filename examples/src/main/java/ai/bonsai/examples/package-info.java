/**
 * Runnable examples of Bonsai's Java API: {@link ai.bonsai.examples.MinimalExample} is the one
 * shown in the README; {@link ai.bonsai.examples.FashionMnistExperiment} trains, prunes and
 * fine-tunes a small ResNet on Fashion-MNIST and writes the table of {@code BENCHMARKS.md}
 * (a {@link ai.bonsai.examples.Variant} per row).
 */
package ai.bonsai.examples;
