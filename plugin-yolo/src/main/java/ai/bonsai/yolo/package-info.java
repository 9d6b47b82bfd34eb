/**
 * The YOLOv8 family for Bonsai: a model adapter covering C2f, SPPF and the Detect/DFL head.
 * {@link ai.bonsai.yolo.YoloPlugin} is the PF4J entry point.
 */
package ai.bonsai.yolo;
