package dev.uqabench.study;

import java.util.Map;

/**
 * One evaluated variant of a study, as written to {@code study.csv}/{@code study.json}.
 *
 * @param kind            none, text or embedding
 * @param parameters      encoder parameters (embedding tables included); 0 for text variants
 * @param backboneParameters encoder parameters without the embedding tables and item head
 * @param accuracy        key ("All tasks", groups, sub-tasks) to accuracy in %
 * @param lower           key to the 95 % Wilson lower bound
 * @param upper           key to the 95 % Wilson upper bound
 * @param source          the eval folder (relative to the study folder) whose manifest holds these numbers
 */
public record StudyRow(String variant, String kind, String encoder, String preset, String features, String adapter,
                       String mode, int textEvents, long parameters, long backboneParameters, int questions,
                       double meanPromptTokens, double secondsPerQuestion, Map<String, Double> accuracy,
                       Map<String, Double> lower, Map<String, Double> upper, String source) {
}
