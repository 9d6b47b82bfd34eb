package ai.bonsai.serve;

import ai.bonsai.core.embed.Cancellation;
import ai.bonsai.core.embed.LayerChange;
import ai.bonsai.core.embed.Progress;
import ai.bonsai.core.embed.PruningResult;
import ai.bonsai.core.plan.PruningPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * One pruning job of the service: its files, its state and, once done, its figures. Thread-safe:
 * the worker and request threads update and read it under its lock.
 */
final class Job {

    private final String id;
    private final Path dir;
    private final Path model;
    private final Path output;
    private final PruningPlan plan;
    private final Cancellation cancellation = new Cancellation();
    private JobState state = JobState.QUEUED;
    private Progress progress = new Progress("queued", 0, 1);
    private Map<String, Object> figures;
    private String error;
    private Future<?> future;

    Job(String id, Path dir, Path model, Path output, PruningPlan plan) {
        this.id = id;
        this.dir = dir;
        this.model = model;
        this.output = output;
        this.plan = plan;
    }

    String id() {
        return id;
    }

    Path dir() {
        return dir;
    }

    Path model() {
        return model;
    }

    Path output() {
        return output;
    }

    PruningPlan plan() {
        return plan;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    synchronized void submitted(Future<?> f) {
        this.future = f;
    }

    synchronized JobState state() {
        return state;
    }

    /**
     * Moves a queued job to running.
     *
     * @return false if the job was cancelled meanwhile
     */
    synchronized boolean start() {
        if (state != JobState.QUEUED) {
            return false;
        }
        state = JobState.RUNNING;
        return true;
    }

    synchronized void progress(Progress p) {
        progress = p;
    }

    /**
     * Records a finished run, unless the job was cancelled meanwhile.
     *
     * @param r the result
     * @return false if the job was cancelled
     */
    synchronized boolean done(PruningResult r) {
        if (state != JobState.RUNNING) {
            return false;
        }
        state = JobState.DONE;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("importance", r.criterion());
        f.put("ratio", r.ratio());
        f.put("params_before", r.before().params());
        f.put("params_after", r.after().params());
        f.put("macs_before", r.before().macs());
        f.put("macs_after", r.after().macs());
        Map<String, List<Integer>> kept = new LinkedHashMap<>();
        for (LayerChange l : r.layers()) {
            kept.put(l.name(), l.keptOutChannels());
        }
        f.put("kept_out_channels", kept);
        f.put("total_millis", r.timings().totalMillis());
        figures = f;
        return true;
    }

    synchronized void failed(String message) {
        if (state == JobState.RUNNING) {
            state = JobState.FAILED;
            error = message;
        }
    }

    /**
     * Cancels the job unless it has ended.
     *
     * @return the state before: queued or running if this call cancelled it
     */
    synchronized JobState cancel() {
        JobState before = state;
        if (!state.isFinal()) {
            cancellation.cancel();
            if (future != null) {
                future.cancel(false);
            }
            state = JobState.CANCELLED;
        }
        return before;
    }

    /**
     * Returns the job as {@code GET /v1/jobs/{id}} shows it.
     *
     * @return a tree of maps and lists
     */
    synchronized Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("state", state.label());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("phase", progress.phase());
        p.put("done", progress.done());
        p.put("total", progress.total());
        json.put("progress", p);
        if (figures != null) {
            json.put("figures", figures);
        }
        if (error != null) {
            json.put("error", error);
        }
        json.put("links", new ArrayList<>(List.of("/v1/jobs/" + id, "/v1/jobs/" + id + "/model")));
        return json;
    }
}
