/**
 * Training a Bonsai graph with DJL: {@link ai.bonsai.core.train.GraphBlock} wraps a graph as a
 * DJL {@link ai.djl.nn.Block}, so DJL's {@link ai.djl.training.Trainer} (loss, optimizer,
 * evaluators, listeners) fine-tunes a pruned model in place.
 */
package ai.bonsai.core.train;
