/**
 * Torchvision's CNN families on Bonsai's graph IR, with torchvision's module and parameter names
 * so that a torchvision {@code state_dict} maps one to one onto the graph's parameters.
 *
 * <p>{@link ai.bonsai.vision.TorchvisionAdapter} is the plugin's {@link
 * ai.bonsai.api.model.ModelAdapter}; it delegates to one {@link ai.bonsai.vision.Architecture}
 * per family: {@link ai.bonsai.vision.ResNetBuilder} (ResNet-18/34/50),
 * {@link ai.bonsai.vision.VggBuilder} (VGG-16-BN) and {@link ai.bonsai.vision.MobileNetV2Builder}.
 *
 * <p>Naming follows {@code torch.fx}: a node is named after the module that produces it
 * ({@code layer1.0.conv1}, {@code features.4}); a module applied more than once gets one node
 * per application with a numeric suffix ({@code layer1.0.relu}, {@code layer1.0.relu_1}); a
 * function such as the residual sum is named in its enclosing module ({@code layer1.0.add}).
 * Every activation and pooling that torchvision holds as a module is a node of its own.
 */
package ai.bonsai.vision;
