/**
 * Encoder transformers from Hugging Face folders: BERT ({@code BertModel}, {@code
 * BertForSequenceClassification}), ViT ({@code ViTForImageClassification}) and DeiT ({@code
 * DeiTForImageClassification}) on Bonsai's graph IR, with Hugging Face's module paths as node
 * names so that every parameter carries its tensor name.
 *
 * <p>{@link ai.bonsai.transformers.HfEncoderFormat} reads and writes the folders; {@link
 * ai.bonsai.transformers.TransformersAdapter} builds them at any input shape or from a config
 * alone; {@link ai.bonsai.transformers.EncoderPruning} turns the family's pruning modes (whole
 * heads, head dims, MLP width, hidden size) into a {@link ai.bonsai.api.pruner.PruningConfig};
 * {@link ai.bonsai.transformers.PaddingMaskOp} turns an {@code attention_mask} into the additive
 * mask of core's {@code attention} op; {@link ai.bonsai.transformers.TorchvisionVitAdapter} builds
 * torchvision's Vision Transformers with their {@code state_dict} names. See {@code
 * docs/transformers.md}.
 */
package ai.bonsai.transformers;
