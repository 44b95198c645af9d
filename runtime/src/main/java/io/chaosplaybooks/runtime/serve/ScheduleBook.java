package io.chaosplaybooks.runtime.serve;

import java.util.List;
import java.util.Map;

/** The server's schedules: what the API lists, pauses, resumes and triggers, kept in step with the playbooks. */
interface ScheduleBook extends AutoCloseable {
    /** Every schedule, as {@code GET /api/schedules} shows it. */
    List<Map<String, Object>> list();

    /** @throws io.chaosplaybooks.runtime.http.ApiError 404 for an unknown id */
    Map<String, Object> pause(String id);

    Map<String, Object> resume(String id);

    /** Fires the schedule now: the run's record (running, or skipped with why). */
    RunRecord trigger(String id);

    /** A playbook was loaded again, added or removed: its schedules follow (a broken file's pause). */
    void playbookChanged(PlaybookCatalog.Change change);

    @Override
    void close();
}
