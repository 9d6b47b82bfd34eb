package ai.bonsai.yolo;

/**
 * The anchor points of YOLOv8's head: the cell centres of each level, row by row, level k a
 * {@code grid[2k] x grid[2k + 1]} grid (height, width) of stride {@code strides[k]}.
 *
 * @param centres the anchors' x coordinates, then their y coordinates, in grid cells ({@code 2 x
 *     count} values)
 * @param strides the stride of each anchor's level
 */
record AnchorGrid(float[] centres, float[] strides) {

    /**
     * Lays out the anchors of the levels.
     *
     * @param grid a height and a width per level
     * @param strides the stride per level
     * @return the anchors
     */
    static AnchorGrid of(long[] grid, long[] strides) {
        int anchors = Math.toIntExact(count(grid));
        float[] points = new float[2 * anchors];
        float[] scale = new float[anchors];
        int a = 0;
        for (int level = 0; level < strides.length; level++) {
            for (long y = 0; y < grid[2 * level]; y++) {
                for (long x = 0; x < grid[2 * level + 1]; x++) {
                    points[a] = x + 0.5f;
                    points[anchors + a] = y + 0.5f;
                    scale[a++] = strides[level];
                }
            }
        }
        return new AnchorGrid(points, scale);
    }

    /**
     * Returns the number of anchors of a grid.
     *
     * @param grid a height and a width per level
     * @return the sum of the levels' cells
     */
    static long count(long[] grid) {
        long n = 0;
        for (int k = 0; k + 1 < grid.length; k += 2) {
            n += grid[k] * grid[k + 1];
        }
        return n;
    }

    /**
     * Returns the number of anchors.
     *
     * @return the count
     */
    int count() {
        return strides.length;
    }
}
