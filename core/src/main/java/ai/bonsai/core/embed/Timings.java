package ai.bonsai.core.embed;

/**
 * Where a pruning run spent its time, in milliseconds.
 *
 * @param copyMillis making the run's working copy of the model
 * @param calibrationMillis feeding calibration data to the criterion
 * @param searchMillis searching the ratio that meets a budget
 * @param pruneMillis ranking and removing channels
 * @param totalMillis the whole run
 */
public record Timings(long copyMillis, long calibrationMillis, long searchMillis, long pruneMillis,
        long totalMillis) {
}
