package ai.bonsai.onnx;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The output shape of an ONNX {@code Einsum} equation ({@code "bij,bjk->bik"}, with {@code ...}
 * for broadcast dimensions; without {@code ->} the output holds the letters used once, in
 * alphabetical order, after the broadcast dimensions).
 */
final class Einsum {

    private static final String ELLIPSIS = "...";

    private Einsum() {
    }

    /**
     * Returns the output shape.
     *
     * @param equation the equation
     * @param inputs the operands' shapes
     * @return the output shape
     * @throws IllegalArgumentException when the equation and the shapes disagree
     */
    static Shape shape(String equation, List<Shape> inputs) {
        String eq = equation.replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != inputs.size()) {
            throw new IllegalArgumentException("Einsum '" + equation + "' names " + terms.length
                    + " operands, the node has " + inputs.size());
        }
        Map<Character, Long> sizes = new TreeMap<>();
        Map<Character, Integer> uses = new TreeMap<>();
        Shape broadcast = new Shape();
        for (int k = 0; k < terms.length; k++) {
            String term = terms[k];
            long[] dims = inputs.get(k).getShape();
            int dots = term.indexOf(ELLIPSIS);
            String letters = term.replace(ELLIPSIS, "");
            int spread = dims.length - letters.length();
            if (dots < 0 && spread != 0 || spread < 0) {
                throw new IllegalArgumentException("Einsum term '" + term + "' does not fit shape " + inputs.get(k));
            }
            int d = 0;
            for (int i = 0; i < term.length(); i++) {
                if (i == dots) {
                    long[] part = new long[spread];
                    System.arraycopy(dims, d, part, 0, spread);
                    broadcast = Shapes.broadcast(broadcast, new Shape(part));
                    d += spread;
                    i += ELLIPSIS.length() - 1;
                    continue;
                }
                char c = term.charAt(i);
                sizes.merge(c, dims[d++], Math::max);
                uses.merge(c, 1, Integer::sum);
            }
        }
        String output;
        if (sides.length > 1) {
            output = sides[1];
        } else {
            StringBuilder sb = new StringBuilder(broadcast.dimension() > 0 || sides[0].contains(ELLIPSIS) ? ELLIPSIS : "");
            uses.forEach((c, count) -> {
                if (count == 1) {
                    sb.append(c);
                }
            });
            output = sb.toString();
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < output.length(); i++) {
            if (output.startsWith(ELLIPSIS, i)) {
                for (long b : broadcast.getShape()) {
                    out.add(b);
                }
                i += ELLIPSIS.length() - 1;
                continue;
            }
            Long size = sizes.get(output.charAt(i));
            if (size == null) {
                throw new IllegalArgumentException("Einsum output letter '" + output.charAt(i) + "' is in no operand");
            }
            out.add(size);
        }
        return new Shape(out.stream().mapToLong(Long::longValue).toArray());
    }
}
