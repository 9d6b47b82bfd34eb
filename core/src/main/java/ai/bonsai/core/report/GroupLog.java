package ai.bonsai.core.report;

import ai.bonsai.api.prune.Group;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the printouts of the groups a run prunes, Torch-Pruning style, within limits a report
 * page can show: the first {@code maxGroups} groups, each cut to {@code maxLines} lines of at
 * most {@code maxLineLength} characters; every group is counted.
 *
 * <pre>{@code
 * GroupLog log = GroupLog.withDefaults();
 * run.stepInteractive().forEachRemaining(g -> { log.record(g); g.prune(); });
 * }</pre>
 */
public final class GroupLog {

    private final int maxGroups;
    private final int maxLines;
    private final int maxLineLength;
    private final List<String> printouts = new ArrayList<>();
    private int count;

    /**
     * Creates a log.
     *
     * @param maxGroups how many group printouts to keep
     * @param maxLines the most lines kept of one printout (at least 3)
     * @param maxLineLength the most characters kept of one line (at least 8)
     */
    public GroupLog(int maxGroups, int maxLines, int maxLineLength) {
        if (maxGroups < 0 || maxLines < 3 || maxLineLength < 8) {
            throw new IllegalArgumentException("group log: maxGroups >= 0, maxLines >= 3 and"
                    + " maxLineLength >= 8 required, found " + maxGroups + ", " + maxLines + ", "
                    + maxLineLength);
        }
        this.maxGroups = maxGroups;
        this.maxLines = maxLines;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Creates a log that keeps 200 groups of at most 24 lines of 300 characters.
     *
     * @return the log
     */
    public static GroupLog withDefaults() {
        return new GroupLog(200, 24, 300);
    }

    /**
     * Creates a log that only counts groups and keeps no printout.
     *
     * @return the log
     */
    public static GroupLog countOnly() {
        return new GroupLog(0, 3, 8);
    }

    /**
     * Records a group; call it before the group is pruned, while its indices are current.
     *
     * @param group the group
     */
    public void record(Group group) {
        count++;
        if (printouts.size() < maxGroups) {
            printouts.add(truncate(group.toString()));
        }
    }

    private String truncate(String printout) {
        String[] lines = printout.split("\n", -1);
        List<String> kept = new ArrayList<>();
        if (lines.length <= maxLines) {
            for (String line : lines) {
                kept.add(cut(line));
            }
        } else {
            for (int i = 0; i < maxLines - 2; i++) {
                kept.add(cut(lines[i]));
            }
            kept.add("... " + (lines.length - maxLines + 1) + " more lines");
            kept.add(cut(lines[lines.length - 1]));
        }
        return String.join("\n", kept);
    }

    private String cut(String line) {
        return line.length() <= maxLineLength ? line
                : line.substring(0, maxLineLength - 3) + "...";
    }

    /**
     * Returns the kept printouts, in the order the groups were recorded.
     *
     * @return the printouts
     */
    public List<String> printouts() {
        return List.copyOf(printouts);
    }

    /**
     * Returns how many groups were recorded, kept or not.
     *
     * @return the count
     */
    public int count() {
        return count;
    }
}
