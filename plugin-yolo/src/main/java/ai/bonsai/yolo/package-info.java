/**
 * The YOLOv8 family for Bonsai: the {@code yolo} model adapter and format (state dict with the
 * checkpoints' names plus {@code config.json}), the Detect head's op types ({@code yolo.dfl},
 * {@code yolo.decode}) and the pruning defaults ({@link ai.bonsai.yolo.YoloPruning}). {@link
 * ai.bonsai.yolo.YoloPlugin} is the PF4J entry point; {@code ai.bonsai.yolo.detect} turns outputs
 * into detections. See {@code docs/yolo.md}.
 */
package ai.bonsai.yolo;
