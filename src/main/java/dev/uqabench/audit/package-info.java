/**
 * Leak audit of a question set: blind solvers that see only a question's options (fitted on the
 * alignment questions, scored on the test questions) and history oracles that read the user's own
 * clicks. A benchmark that measures user understanding keeps every blind solver near chance (25 %);
 * the oracles show what the history alone determines. Entry point: {@link dev.uqabench.audit.Audit#run}.
 */
package dev.uqabench.audit;
