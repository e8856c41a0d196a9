package dev.uqabench.audit;

/**
 * When a blind solver counts as a leak. Chance is 25 %.
 *
 * @param allTasks            highest tolerated blind accuracy over all test questions, in percent
 * @param subtask             highest tolerated blind accuracy on one sub-task, in percent
 * @param minSubtaskQuestions sub-tasks with fewer test questions are reported "too few to judge"
 */
public record AuditLimits(double allTasks, double subtask, int minSubtaskQuestions) {

    public static final AuditLimits DEFAULT = new AuditLimits(30, 33, 250);

    public AuditLimits {
        if (!(allTasks > 0 && allTasks <= 100) || !(subtask > 0 && subtask <= 100)) {
            throw new IllegalArgumentException("limits must be in (0, 100] percent, got all tasks " + allTasks
                    + ", sub-task " + subtask);
        }
        if (minSubtaskQuestions < 1) {
            throw new IllegalArgumentException("the minimum questions per sub-task must be positive, got "
                    + minSubtaskQuestions);
        }
    }
}
