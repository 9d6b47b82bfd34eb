package ai.bonsai.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/** Small hand-made ONNX models for tests, built with the protobuf classes. */
final class OnnxModels {

    private OnnxModels() {
    }

    /**
     * Wraps a graph into an IR 8 model of a default-domain opset.
     *
     * @param g the graph
     * @param opset the opset
     * @return the model
     */
    static ModelProto model(GraphProto.Builder g, long opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g.setName("test")).build();
    }

    /**
     * Declares a float tensor value.
     *
     * @param name the name
     * @param dims the static shape
     * @return the value info
     */
    static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    /**
     * Declares a float tensor value whose dimensions may be symbolic.
     *
     * @param name the name
     * @param dims each a size (a number) or a symbolic dimension's name (a string)
     * @return the value info
     */
    static ValueInfoProto symbolic(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    /**
     * Declares a tensor value by its element type only, without a shape (a graph output or branch
     * output whose shape the model leaves to shape inference).
     *
     * @param name the name
     * @param elemType the ONNX element type code (1 float, 7 int64)
     * @return the value info
     */
    static ValueInfoProto unshaped(String name, int elemType) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType))).build();
    }

    /**
     * A graph attribute (a branch of If).
     *
     * @param name the name
     * @param g the graph
     * @return the attribute
     */
    static AttributeProto graph(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    /**
     * A float initializer of given values, as float_data.
     *
     * @param name the name
     * @param dims the shape
     * @param v the values
     * @return the tensor
     */
    static TensorProto floats(String name, long[] dims, float... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float f : v) {
            t.addFloatData(f);
        }
        return t.build();
    }

    /**
     * Creates a node.
     *
     * @param op the op type
     * @param name the node name
     * @param in the input names
     * @param out the output names
     * @param attrs the attributes
     * @return the node
     */
    static NodeProto node(String op, String name, List<String> in, List<String> out,
            AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out)
                .addAllAttribute(List.of(attrs)).build();
    }

    /**
     * An integer list attribute.
     *
     * @param name the name
     * @param v the values
     * @return the attribute
     */
    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    /**
     * An integer attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    /**
     * A float attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF(v).build();
    }

    /**
     * A string attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    /**
     * Returns seeded uniform floats in [-0.5, 0.5), little-endian.
     *
     * @param count how many
     * @param seed the seed
     * @return the bytes
     */
    static byte[] randomFloats(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            b.putFloat((float) (r.nextDouble() - 0.5));
        }
        return b.array();
    }

    /**
     * A float initializer of seeded values, as raw_data.
     *
     * @param name the name
     * @param seed the seed
     * @param dims the shape
     * @return the tensor
     */
    static TensorProto weight(String name, long seed, long... dims) {
        long n = 1;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        return t.setRawData(ByteString.copyFrom(randomFloats((int) n, seed))).build();
    }

    /**
     * A positive float initializer (variances, scales), as float_data.
     *
     * @param name the name
     * @param seed the seed
     * @param count the length
     * @return the 1-D tensor
     */
    static TensorProto positive(String name, long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).addDims(count);
        for (int i = 0; i < count; i++) {
            t.addFloatData((float) (0.5 + r.nextDouble()));
        }
        return t.build();
    }

    /**
     * An int64 initializer.
     *
     * @param name the name
     * @param v the values (1-D)
     * @return the tensor
     */
    static TensorProto int64s(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    /**
     * Writes a model to a file.
     *
     * @param m the model
     * @param file the file
     * @return the file
     */
    static Path save(ModelProto m, Path file) {
        try {
            Files.write(file, m.toByteArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
