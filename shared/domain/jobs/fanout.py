"""A pass analysis fanned out in chunks: the steps of the jobs state machine, written once.

1. ``plan`` — claims the job for the execution and records how many chunks it runs in
   (``shared.domain.jobs.chunks``) in the same write, then stores its inputs (the element sets it uses, the ground
   points, the window; ``jobs/<task_id>/inputs.json`` in the results store); the state machine's Map gets their
   indices, never data;
2. ``chunk`` — computes one chunk from the stored inputs and stores its part (``jobs/<task_id>/chunks/<i>.json``);
   a chunk counts once however often it runs (a retried step); ``progress`` is finished chunks / total. The chunk
   that finishes last merges: it reads the other parts one at a time (its own it holds), merges them into the
   analysis's result (the same document as the unsplit computation), stores it (``jobs/<task_id>/result.json``)
   and completes the job with a pointer to it, the ``Job State Change`` event in the same write, once. A job of
   one chunk stores no part: nothing would read it;
3. ``merge`` — after the Map: answers the job as the chunks left it (completed), or merges the stored parts if no
   chunk did (a job whose last chunk ran before the chunks merged);
4. ``chunk_failed`` — a chunk that failed after its retries fails the job with the chunk's reason.

Every step leaves a finished job as it is, and the plan and the merge act only for the execution holding the job.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from shared.domain.catalog.freshness import FreshnessPolicy
from shared.domain.jobs.analysis import AnalysisError
from shared.domain.jobs.chunks import CHUNK_BUDGET, Chunk, plan_chunks
from shared.domain.jobs.events import job_finished
from shared.domain.jobs.models import FINISHED, Job, JobError, JobStatus, PassAnalysisRequest
from shared.domain.jobs.ports import Clock, JobStore, ResultStore, SatelliteCatalog

logger = logging.getLogger("groundlink.domain.jobs")

REASON_PARTS_MISSING = "the analysis's parts did not all finish; submit it again"


def inputs_key(task_id: str) -> str:
    return f"jobs/{task_id}/inputs.json"


def chunk_key(task_id: str, index: int) -> str:
    return f"jobs/{task_id}/chunks/{index:05d}.json"


def result_key(task_id: str) -> str:
    return f"jobs/{task_id}/result.json"


class PassAnalysisFanout:
    def __init__(self, jobs: JobStore, catalog: SatelliteCatalog, results: ResultStore, clock: Clock,
                 freshness: FreshnessPolicy, chunk_budget: int = CHUNK_BUDGET) -> None:
        self.jobs = jobs
        self.catalog = catalog
        self.results = results
        self.clock = clock
        self.freshness = freshness
        self.chunk_budget = chunk_budget

    # -- the steps ----------------------------------------------------------------------------------
    def plan(self, task_id: str, execution_id: str) -> list[int]:
        """Claims the job for ``execution_id`` and records its number of chunks (one write), stores its inputs and
        answers its chunks' indices (none for a finished job or one another execution holds). ``JobError`` when it
        cannot be computed (the job is then recorded failed with the analysis's code)."""
        job = self.jobs.get(task_id)
        if job is None:
            raise JobError("the job is not recorded any more")
        if job.status in FINISHED:
            return []
        if job.kind != "pass_analyzer":
            if not self._claim(task_id, execution_id):
                return []
            raise JobError(f"jobs of kind {job.kind} are not computed asynchronously")
        try:  # reads only (the element sets, the geometry): before the claim, which records the plan they give
            inputs = self._inputs(PassAnalysisRequest.model_validate(job.request))
        except AnalysisError as exc:  # recorded with its code; the state machine's failure step then changes nothing
            if not self._claim(task_id, execution_id):
                return []
            reason = str(exc)[:1000]
            self.jobs.transition(task_id, "failed", error=reason, error_code=exc.code,
                                 events=[job_finished(job, "failed", self.clock.now(), reason, "in_progress")])
            raise JobError(str(exc)) from None
        chunks = self._plan(inputs)
        if not self._claim(task_id, execution_id, len(chunks)):
            return []
        self.results.put(inputs_key(task_id), inputs)
        logger.info("job planned", extra={"task_id": task_id, "chunks": len(chunks)})
        return [c.index for c in chunks]

    def _claim(self, task_id: str, execution_id: str, chunks_total: int | None = None) -> bool:
        if self.jobs.claim(task_id, execution_id, chunks_total):
            return True
        logger.warning("job held by another execution: not computed twice",
                       extra={"task_id": task_id, "execution_id": execution_id})
        return False

    def chunk(self, task_id: str, index: int) -> int | None:
        """Computes chunk ``index`` and stores its part; the number of chunks done (None: the job is not in
        progress any more, nothing computed). The chunk that makes the job's chunks all done completes it."""
        from groundlink_orbit import parse_tle

        from shared.domain.jobs.analysis.coverage import compute_chunk

        job = self.jobs.get(task_id)
        if job is None or job.status != "in_progress":
            return None
        inputs = self.results.get(inputs_key(task_id))
        chunks = self._plan(inputs)
        if not 0 <= index < len(chunks):
            raise JobError(f"the analysis has no part {index + 1}")
        c = chunks[index]
        sets = [parse_tle(line1, line2, name) for name, line1, line2 in inputs["tles"][c.sat_lo:c.sat_hi]]
        lat, lon = _points(inputs, c)
        try:
            part = compute_chunk(sets, lat, lon, c.start_s, c.end_s, inputs["min_elevation_deg"],
                                 inputs["max_elevation_deg"], inputs["time_resolution_s"], sat_offset=c.sat_lo,
                                 point_offset=c.point_lo)
        except ValueError as exc:  # the orbit core refuses the inputs: a sentence about the job
            raise JobError(f"{c.describe()}: {exc}") from None
        if len(chunks) > 1:
            self.results.put(chunk_key(task_id, index), part)
        done = self.jobs.chunk_done(task_id, index)
        if done == len(chunks):  # every part is stored (or, alone, held here): this chunk merges
            self._complete(job, inputs, self._parts(task_id, chunks, held={index: part}))
        return done

    def merge(self, task_id: str, execution_id: str) -> JobStatus:
        """The job as its chunks left it: completed by the last chunk, else (its parts all stored, none merged)
        merged here and completed (once). A completed job, or one another execution holds, is answered as it is.
        ``JobError`` if a part is missing or the job failed (a chunk failed it: Step Functions' Distributed Map may
        or may not have failed on it, the execution fails here)."""
        job = self.jobs.get(task_id)
        if job is None:
            raise JobError("the job is not recorded any more")
        if job.status == "failed":  # a chunk failed it: the execution fails too (its failure step changes nothing)
            raise JobError(job.error or REASON_PARTS_MISSING)
        if job.status in FINISHED or job.execution_id != execution_id:
            return job.status
        inputs = self.results.get(inputs_key(task_id))
        chunks = self._plan(inputs)
        if job.chunks_done < len(chunks):
            raise JobError(REASON_PARTS_MISSING)
        self._complete(job, inputs, self._parts(task_id, chunks))
        return "completed"

    def _complete(self, job: Job, inputs: dict[str, Any], parts: Iterator[dict[str, Any]]) -> None:
        """Merges ``parts`` (in plan order) into the result, stores it and completes the job (a conditional write:
        once, whichever step gets there first)."""
        import numpy as np

        from shared.domain.jobs.analysis.coverage import merge

        lat, lon = np.asarray(inputs["lat"], dtype=float), np.asarray(inputs["lon"], dtype=float)
        result = merge(parts, _norad_ids(inputs), lat, lon, inputs["tile_size_deg"], inputs["start_s"],
                       inputs["end_s"])
        result.update(tle_epoch=inputs["tle_epoch"], tle_age_days=inputs["tle_age_days"])
        if inputs["tle_warning"]:
            result["tle_warning"] = inputs["tle_warning"]
        key = result_key(job.task_id)
        size = self.results.put(key, result)
        self.jobs.transition(job.task_id, "completed", progress=1.0, result_key=key, result_bytes=size,
                             events=[job_finished(job, "completed", self.clock.now(), previous="in_progress")])

    def chunk_failed(self, task_id: str, index: int, reason: str) -> bool:
        """Chunk ``index`` failed for good: the job fails with the chunk's reason. False if it had finished."""
        job = self.jobs.get(task_id)
        if job is None or job.status in FINISHED:
            return False
        total = f" of {job.chunks_total}" if job.chunks_total else ""
        text = f"part {index + 1}{total} of the analysis failed: {reason}"[:1000]
        changed = self.jobs.transition(task_id, "failed", error=text,
                                       events=[job_finished(job, "failed", self.clock.now(), text)])
        logger.warning("job failed in a chunk", extra={"task_id": task_id, "chunk": index, "recorded": changed})
        return changed

    def run_all(self, task_id: str, execution_id: str) -> JobStatus:
        """Every step in this process, one chunk after another (a direct run, without the state machine)."""
        for index in self.plan(task_id, execution_id):
            try:
                self.chunk(task_id, index)
            except JobError as exc:
                self.chunk_failed(task_id, index, str(exc))
                raise
        job = self.jobs.get(task_id)
        if job is not None and job.status in FINISHED:
            return job.status
        return self.merge(task_id, execution_id)

    # -- helpers ------------------------------------------------------------------------------------
    def _plan(self, inputs: dict[str, Any]) -> list[Chunk]:
        return plan_chunks(len(inputs["tles"]), len(inputs["lat"]), inputs["start_s"], inputs["end_s"],
                           inputs["chunk_budget"])

    def _parts(self, task_id: str, chunks: list[Chunk],
               held: dict[int, dict[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
        """The parts in plan order, read one at a time (those ``held`` in memory are not read back)."""
        for c in chunks:
            if held and c.index in held:
                yield held[c.index]
                continue
            try:
                yield self.results.get(chunk_key(task_id, c.index))
            except KeyError:
                raise JobError(REASON_PARTS_MISSING) from None

    def _inputs(self, request: PassAnalysisRequest) -> dict[str, Any]:
        """What every chunk computes from: the element sets as they are now (one snapshot for the whole job),
        the ground points, the window and the chunk budget the plan is made with."""
        from shared.domain.jobs.analysis.coverage import ground_points

        tles: list[list[str]] = []
        epochs: dict[str, str] = {}
        ages: dict[str, float] = {}
        warnings: dict[str, str] = {}
        now: datetime = self.clock.now()
        sets = self.catalog.current_element_sets(request.norad_ids)
        for norad in request.norad_ids:
            tle = sets.get(norad)
            if tle is None:
                raise AnalysisError(f"no element set stored for NORAD {norad}", "NO-ELEMENT-SET")
            tles.append([tle.name or "", tle.line1, tle.line2])
            fresh = self.freshness.of(tle.epoch, now)
            epochs[str(norad)], ages[str(norad)] = fresh.epoch_iso, fresh.age_days_rounded
            if fresh.warning:
                warnings[str(norad)] = fresh.warning
        lat, lon, tile = ground_points(request.ground_location)
        return {"tles": tles, "norad_ids": [sets[n].norad_id for n in request.norad_ids], "lat": lat.tolist(),
                "lon": lon.tolist(), "tile_size_deg": tile,
                "start_s": request.date[0].timestamp(), "end_s": request.date[-1].timestamp(),
                "min_elevation_deg": request.min_elv_constraint, "max_elevation_deg": request.max_elv_constraint,
                "time_resolution_s": request.time_resolution, "tle_epoch": epochs, "tle_age_days": ages,
                "tle_warning": warnings, "chunk_budget": self.chunk_budget}


def _norad_ids(inputs: dict[str, Any]) -> list[int]:
    """The satellites' NORAD ids in the inputs' order (inputs stored before they listed them: from the sets)."""
    if "norad_ids" in inputs:
        return [int(n) for n in inputs["norad_ids"]]
    from groundlink_orbit import parse_tle

    return [parse_tle(line1, line2, name).norad_id for name, line1, line2 in inputs["tles"]]


def _points(inputs: dict[str, Any], c: Chunk) -> tuple[Any, Any]:
    import numpy as np

    return (np.asarray(inputs["lat"][c.point_lo:c.point_hi], dtype=float),
            np.asarray(inputs["lon"][c.point_lo:c.point_hi], dtype=float))
