/**
 * What a YOLOv8 finds: letterboxing an image to the model's input, decoding its output {@code
 * (N, 4 + nc, anchors)} into boxes with class-aware non-maximum suppression, drawing them, and
 * comparing the detections of an original and a pruned model. The graph itself runs in the
 * host's executor; these classes only prepare its input and read its output.
 */
package ai.bonsai.yolo.detect;
